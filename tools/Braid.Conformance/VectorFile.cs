using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Braid.Conformance;

/// <summary>A <c>kafka-join-vectors/1</c> file: Kafka Streams join cases to replay (see shared/vectors/README.md).</summary>
internal sealed record VectorFile(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("cases")] List<VectorCase> Cases)
{
    public const string SupportedFormat = "kafka-join-vectors/1";

    public static VectorFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Vector file '{path}' does not exist.", path);
        VectorFile? file;
        try
        {
            file = JsonSerializer.Deserialize<VectorFile>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid vector JSON: {e.Message}", e);
        }
        if (file is null || file.Cases is null) throw new InvalidDataException($"'{path}' has no 'cases' array.");
        if (file.Format != SupportedFormat)
            throw new InvalidDataException($"'{path}' has format '{file.Format}'; this runner reads '{SupportedFormat}'.");
        return file;
    }
}

/// <summary>One join case: the join to build, the records to pipe, and the outputs to expect.</summary>
internal sealed record VectorCase(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tier")] string? Tier,
    [property: JsonPropertyName("join")] string Join,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("window")] VectorWindow? Window,
    [property: JsonPropertyName("options")] Dictionary<string, JsonElement>? Options,
    [property: JsonPropertyName("joiner")] string Joiner,
    [property: JsonPropertyName("check")] VectorCheck Check,
    [property: JsonPropertyName("steps")] List<VectorStep> Steps,
    [property: JsonPropertyName("expected")] List<List<VectorRecord>?> Expected,
    [property: JsonPropertyName("conflict")] string? Conflict)
{
    public override string ToString() => Id;

    public bool OptionIsTrue(string name) =>
        Options is not null && Options.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.True;

    public string? OptionString(string name) =>
        Options is not null && Options.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public long? OptionLong(string name) =>
        Options is not null && Options.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>Renders the joiner template the way Java string concatenation would.</summary>
    public string Join2(string? left, string? right) =>
        Joiner.Replace("{left}", left ?? "null", StringComparison.Ordinal).Replace("{right}", right ?? "null", StringComparison.Ordinal);
}

/// <summary>A stream–stream join window.</summary>
internal sealed record VectorWindow(
    [property: JsonPropertyName("beforeMs")] long BeforeMs,
    [property: JsonPropertyName("afterMs")] long AfterMs,
    [property: JsonPropertyName("graceMs")] long GraceMs);

/// <summary>How outputs are compared.</summary>
internal sealed record VectorCheck(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("timestamps")] bool Timestamps);

/// <summary>One input record.</summary>
internal sealed record VectorStep(
    [property: JsonPropertyName("side")] string Side,
    [property: JsonPropertyName("key")] JsonElement Key,
    [property: JsonPropertyName("value")] JsonElement Value,
    [property: JsonPropertyName("ts")] long? Ts)
{
    public string? KeyText => VectorText.Of(Key);

    public string? ValueText => VectorText.Of(Value);
}

/// <summary>One expected output record.</summary>
internal sealed record VectorRecord(
    [property: JsonPropertyName("key")] JsonElement Key,
    [property: JsonPropertyName("value")] JsonElement Value,
    [property: JsonPropertyName("ts")] long? Ts)
{
    public string? KeyText => VectorText.Of(Key);

    public string? ValueText => VectorText.Of(Value);
}

internal static class VectorText
{
    /// <summary>Keys and values are compared as text: numbers in their JSON form, null as null.</summary>
    public static string? Of(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };

    public static string Show(string? s) => s is null ? "null" : s;

    public static string Show(long? ts) => ts is null ? "-" : ts.Value.ToString(CultureInfo.InvariantCulture);
}
