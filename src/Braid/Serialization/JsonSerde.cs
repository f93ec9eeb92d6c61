using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Braid.Serialization;

/// <summary>
/// JSON through System.Text.Json, refusing at construction (topology build time) the types it cannot
/// round-trip, so a value never crosses a topic boundary and comes back different without an error.
/// </summary>
/// <typeparam name="T">The type.</typeparam>
internal sealed partial class JsonSerde<T> : Serde<T>
{
    private readonly JsonSerializerOptions _options;

    public JsonSerde(JsonSerializerOptions options)
    {
        _options = options;
        // What the first Serialize call would do anyway (freeze the options, add the reflection resolver), done now so the type is checked at build time.
        if (!options.IsReadOnly) options.MakeReadOnly(populateMissingResolver: true);
        Refuse(options.GetTypeInfo(typeof(T)));
    }

    public override string Name => $"Json<{Serdes.TypeName(typeof(T))}>";

    /// <summary>
    /// Web defaults, plus: public fields are members (a ValueTuple is fields only: without this it is written
    /// as <c>{}</c> and read back as <c>(,)</c>), and a missing constructor parameter fails. Strict adds:
    /// every member required, unknown members refused, nullable annotations enforced.
    /// </summary>
    public static JsonSerializerOptions Defaults(bool strict)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            IncludeFields = true,
            RespectRequiredConstructorParameters = true,
        };
        if (!strict) return o;
        o.RespectNullableAnnotations = true;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireEveryMember } };
        return o;
    }

    // Strict: a member the type can set (by setter or constructor) must be in the JSON.
    private static void RequireEveryMember(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var p in info.Properties)
            if (p.Set is not null || p.AssociatedParameter is not null) p.IsRequired = true;
    }

    private static void Refuse(JsonTypeInfo info)
    {
        var t = typeof(T);
        if (info.Kind != JsonTypeInfoKind.Object) return;
        if ((t.IsInterface || t.IsAbstract) && info.PolymorphismOptions is null)
            throw new SerializationException($"Json<{Serdes.TypeName(t)}> cannot read values back: {Serdes.TypeName(t)} is an interface or abstract class " +
                "and has no [JsonDerivedType] metadata. Use a concrete type, add [JsonPolymorphic]/[JsonDerivedType], or pass a serde of your own.");
        if (info.Properties.Count == 0 && t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length > 0)
            throw new SerializationException($"Json<{Serdes.TypeName(t)}> would write every value as {{}}: {Serdes.TypeName(t)} keeps its state in non-public fields " +
                "and has no public properties or fields. Expose its state as public properties, or pass a serde of your own.");
    }

    public override byte[] Serialize(T value)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, _options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw WriteFailed(e);
        }
    }

    // One message for both write paths (Serialize and SerializeToSpan).
    private SerializationException WriteFailed(Exception e) => new($"{Name} could not write a value: {e.Message}", e);

    public override T Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(data, _options)
                ?? throw new SerializationException($"JSON 'null' is not a valid {Serdes.TypeName(typeof(T))}; send a tombstone (no bytes) instead.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new SerializationException($"Malformed JSON for {Serdes.TypeName(typeof(T))}: {e.Message}", e);
        }
    }
}
