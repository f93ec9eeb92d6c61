using System.Text.Json;
using System.Text.Json.Nodes;
using Braid.Serialization;

namespace Braid.Cdc;

/// <summary>
/// Reads Debezium's message key — the row's primary key as a JSON object (<c>{"id":42}</c>), with or
/// without the <c>{"schema","payload"}</c> wrapper. A scalar key type (number, string, Guid, …) takes
/// the object's only field; any other type is deserialized from the whole object (composite keys).
/// Writes the schema-less form (a scalar under <paramref name="field"/>).
/// </summary>
internal sealed class DebeziumKeySerde<T>(string field, JsonSerializerOptions? options) : Serde<T>
{
    private readonly JsonSerializerOptions _options = options ?? DebeziumSerdes.DefaultJsonOptions;
    private readonly bool _scalar = IsScalar(typeof(T));

    public override string Name => $"DebeziumKey<{typeof(T).Name}>";

    public override T Deserialize(ReadOnlySpan<byte> data)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data.ToArray());
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Malformed Debezium key: not JSON ({e.Message}).", e);
        }
        using (doc)
        {
            var key = DebeziumSerdes.Unwrap(doc.RootElement, "key");
            if (_scalar)
            {
                int n = 0;
                JsonElement only = default;
                foreach (var p in key.EnumerateObject()) { only = p.Value; n++; }
                if (n != 1) throw new SerializationException($"Malformed Debezium key: {typeof(T).Name} is a single column but the key has {n} fields ({key.GetRawText()}); use a record type for a composite key.");
                key = only;
            }
            try
            {
                return key.Deserialize<T>(_options) ?? throw new SerializationException($"Malformed Debezium key: null ({key.GetRawText()}).");
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or FormatException)
            {
                throw new SerializationException($"Malformed Debezium key: {key.GetRawText()} does not fit {typeof(T).Name}: {e.Message}.", e);
            }
        }
    }

    public override byte[] Serialize(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, _options);
        return JsonSerializer.SerializeToUtf8Bytes(_scalar ? new JsonObject { [field] = node } : node);
    }

    private static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(Guid)
            || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly);
    }
}
