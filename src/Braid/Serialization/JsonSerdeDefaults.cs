using System.Text.Json;

namespace Braid.Serialization;

/// <summary>
/// The two default option sets of <see cref="Serdes.Json{T}"/> and <see cref="Serdes.StrictJson{T}"/>, built once per
/// process and shared (frozen on first use, so thread-safe). Options per serde made System.Text.Json build each type's
/// metadata again for every serde — a topology built per pass, or stores reopened on every rebalance, paid it again and
/// again — and its member accessors are emitted code that the runtime's accessor cache expires after about a second, so
/// under load they were emitted anew (the flake of <c>DynamicCodeTests</c> in session 7). A shared options instance keeps
/// every type's metadata for the process's life.
/// </summary>
internal static class JsonSerdeDefaults
{
    /// <summary>What <see cref="Serdes.Json{T}"/> uses when no options are given.</summary>
    public static readonly JsonSerializerOptions Lenient = Frozen(JsonSerde<object>.Defaults(strict: false));

    /// <summary>What <see cref="Serdes.StrictJson{T}"/> uses.</summary>
    public static readonly JsonSerializerOptions Strict = Frozen(JsonSerde<object>.Defaults(strict: true));

    // Frozen here, once, so serdes built on several threads never race to freeze a shared instance.
    private static JsonSerializerOptions Frozen(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
