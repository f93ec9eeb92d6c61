using System.Text.Json;
using System.Text.Json.Nodes;
using Braid.Serialization;

namespace Braid.Cdc;

/// <summary>
/// Reads Debezium's JSON change-event envelope (<c>{"before","after","op","source":{"ts_ms",…},"ts_ms"}</c>),
/// with or without the <c>{"schema","payload"}</c> wrapper of the JSON converter's <c>schemas.enable=true</c>.
/// Every malformed envelope throws a <see cref="SerializationException"/> whose message says what is wrong,
/// so the source's deserialization handler receives a clear reason. Writes the schema-less form.
/// </summary>
/// <remarks>Field rules follow Debezium's <c>io.debezium.data.Envelope</c> (op codes c, u, d, r; t and m carry no row and are refused).</remarks>
internal sealed class DebeziumEnvelopeSerde<T>(JsonSerializerOptions? options) : Serde<ChangeEvent<T>>
{
    private readonly JsonSerializerOptions _options = options ?? DebeziumSerdes.DefaultJsonOptions;

    public override string Name => $"DebeziumEnvelope<{typeof(T).Name}>";

    public override ChangeEvent<T> Deserialize(ReadOnlySpan<byte> data)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data.ToArray());
        }
        catch (JsonException e)
        {
            throw Fail($"the value is not JSON ({e.Message})", e);
        }
        using (doc)
        {
            var payload = DebeziumSerdes.Unwrap(doc.RootElement, "envelope");
            if (!payload.TryGetProperty("op", out var opEl)) throw Fail("it has no 'op' field (is this topic written by Debezium?)");
            if (opEl.ValueKind != JsonValueKind.String) throw Fail($"'op' is {opEl.ValueKind}, expected a string");
            var op = opEl.GetString() switch
            {
                "c" => ChangeOperation.Create,
                "u" => ChangeOperation.Update,
                "d" => ChangeOperation.Delete,
                "r" => ChangeOperation.Read,
                "t" => throw Fail("op 't' (truncate) carries no row key, so a keyed table cannot apply it; leave truncates out (Debezium's default skipped.operations=t) or re-snapshot"),
                "m" => throw Fail("op 'm' (a logical decoding message) is not a row change"),
                var other => throw Fail($"unknown op '{other}' (expected c, u, d or r)"),
            };
            var before = Row(payload, "before", op);
            var after = Row(payload, "after", op);
            if (op == ChangeOperation.Delete && after is not null) throw Fail("op 'd' has a non-null 'after'");
            if (op != ChangeOperation.Delete && after is null) throw Fail($"op '{opEl.GetString()}' has no 'after' row");
            long? sourceTs = null;
            bool snapshot = op == ChangeOperation.Read;
            if (payload.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object)
            {
                sourceTs = Millis(source, "source.ts_ms");
                if (source.TryGetProperty("snapshot", out var snap)) snapshot |= IsSnapshot(snap);
            }
            else if (payload.TryGetProperty("source", out var bad) && bad.ValueKind != JsonValueKind.Null)
            {
                throw Fail($"'source' is {bad.ValueKind}, expected an object");
            }
            return new ChangeEvent<T>(op, before, after, sourceTs, Millis(payload, "ts_ms"), snapshot);
        }
    }

    public override byte[] Serialize(ChangeEvent<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var o = new JsonObject
        {
            ["before"] = value.Before is null ? null : JsonSerializer.SerializeToNode(value.Before, _options),
            ["after"] = value.After is null ? null : JsonSerializer.SerializeToNode(value.After, _options),
            ["op"] = value.Operation switch
            {
                ChangeOperation.Create => "c",
                ChangeOperation.Update => "u",
                ChangeOperation.Delete => "d",
                _ => "r",
            },
        };
        var source = new JsonObject { ["snapshot"] = value.Snapshot ? "true" : "false" };
        if (value.SourceTimestampMs is { } s) source["ts_ms"] = s;
        o["source"] = source;
        if (value.EventTimestampMs is { } t) o["ts_ms"] = t;
        return JsonSerializer.SerializeToUtf8Bytes(o);
    }

    private T? Row(JsonElement payload, string field, ChangeOperation op)
    {
        if (!payload.TryGetProperty(field, out var el) || el.ValueKind == JsonValueKind.Null) return default;
        if (el.ValueKind != JsonValueKind.Object) throw Fail($"'{field}' is {el.ValueKind}, expected an object or null");
        try
        {
            var row = el.Deserialize<T>(_options);
            if (row is null) throw Fail($"'{field}' deserialized to null");
            return row;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw Fail($"'{field}' of an op '{op}' event does not fit {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static long? Millis(JsonElement obj, string name)
    {
        string field = name[(name.LastIndexOf('.') + 1)..];
        if (!obj.TryGetProperty(field, out var el) || el.ValueKind == JsonValueKind.Null) return null;
        if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt64(out long ms)) throw Fail($"'{name}' is not a whole number of milliseconds: {el.GetRawText()}");
        if (ms < 0) throw Fail($"'{name}' is negative ({ms})");
        return ms;
    }

    private static bool IsSnapshot(JsonElement snap) => snap.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => snap.GetString() is "true" or "first" or "first_in_data_collection" or "last" or "last_in_data_collection" or "incremental",
        _ => false,
    };

    private static SerializationException Fail(string reason, Exception? inner = null) =>
        new($"Malformed Debezium change event: {reason}.", inner);
}
