using System.Text;
using System.Text.Json;
using Braid.Serialization;

namespace Braid.Sql;

/// <summary>
/// The JSON-lines formats of <c>braid sql</c>. Input: <c>{"key": K, "value": {col: v, ...} | null, "ts": ms}</c>
/// (K is the primary-key column's value, or an object of the key columns; null deletes a table row).
/// Output: <c>{"key": K, "value": V}</c> per row of a view, <c>{"key": K, "value": V, "ts": T}</c> per record of a stream.
/// </summary>
public static class SqlJsonLines
{
    /// <summary>Reads one input line for <paramref name="source"/>, checked against its columns.</summary>
    /// <param name="source">The table or stream the line feeds.</param>
    /// <param name="line">The JSON text.</param>
    /// <param name="where">Where the line came from (file:line), for errors.</param>
    /// <returns>The record as the source's topic carries it (JSON key and value bytes; a null value is a delete) and its timestamp.</returns>
    /// <exception cref="SerializationException">The line is not valid for the source, naming <paramref name="where"/> and the field.</exception>
    public static (byte[]? Key, byte[]? Value, long Timestamp) ParseInput(SqlSource source, string line, string where)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(line);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SerializationException($"{where}: not JSON ({e.Message}).", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new SerializationException($"{where}: an input line is an object {{\"key\": ..., \"value\": ..., \"ts\": ...}}.");
        foreach (var p in root.EnumerateObject())
            if (p.Name is not ("key" or "value" or "ts")) throw new SerializationException($"{where}: unknown field \"{p.Name}\" (an input line has key, value and ts).");
        if (!root.TryGetProperty("ts", out var ts) || ts.ValueKind != JsonValueKind.Number || !ts.TryGetInt64(out long timestamp))
            throw new SerializationException($"{where}: \"ts\" (the record timestamp, epoch milliseconds) is missing or not an integer.");
        byte[]? key = null;
        if (root.TryGetProperty("key", out var k) && k.ValueKind != JsonValueKind.Null)
        {
            var parsed = WithWhere(where, () => source.JsonKey.FromJson(k));
            key = source.KeySerde.Serialize(parsed);
        }
        else if (source.PrimaryKey.Count > 0)
            throw new SerializationException($"{where}: a record of {(source.IsTable ? "table" : "stream")} {source.Name} needs \"key\" (its {(source.IsTable ? "primary key" : "KEY")} {string.Join(", ", source.PrimaryKey)}).");
        byte[]? value = null;
        if (root.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null)
            value = source.ValueSerde.Serialize(WithWhere(where, () => source.JsonValue.FromJson(v)));
        return (key, value, timestamp);
    }

    private static T WithWhere<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SerializationException e)
        {
            throw new SerializationException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>One output line of a view row: <c>{"key": K, "value": V}</c>.</summary>
    /// <param name="view">The view.</param>
    /// <param name="key">The row's key.</param>
    /// <param name="value">The row.</param>
    /// <returns>Compact JSON.</returns>
    public static string ViewLine(SqlView view, SqlRow key, SqlRow value)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Line(w =>
        {
            w.WritePropertyName("key");
            SqlJson.Write(w, view.JsonKey.ToJsonValue(key));
            w.WritePropertyName("value");
            SqlJson.Write(w, value);
        });
    }

    /// <summary>One output line of a stream record: <c>{"key": K, "value": V, "ts": T}</c> (V null for a table's delete).</summary>
    /// <param name="view">The stream.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="value">The record's value, or null.</param>
    /// <param name="timestamp">The record's timestamp.</param>
    /// <returns>Compact JSON.</returns>
    public static string StreamLine(SqlView view, SqlRow? key, SqlRow? value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Line(w =>
        {
            w.WritePropertyName("key");
            SqlJson.Write(w, key is null ? null : view.JsonKey.ToJsonValue(key));
            w.WritePropertyName("value");
            SqlJson.Write(w, value);
            w.WriteNumber("ts", timestamp);
        });
    }

    private static string Line(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
