using System.Text.Json;
using Braid.Serialization;
using Braid.Sql.Binding;

namespace Braid.Sql;

/// <summary>
/// The JSON key of a topic: the key column's value for a one-column key, an object of the key columns for a
/// composite key (a table's PRIMARY KEY or a stream's KEY columns), or any JSON value for a stream without
/// declared key columns (kept as is). Reads typed
/// values (a BIGINT key must be a JSON integer) so equal keys are equal whichever topic they came from.
/// </summary>
internal sealed class JsonKeySerde(IReadOnlyList<SqlColumn> columns, string where) : Serde<SqlRow>
{
    public override string Name => "SqlJsonKey";

    public override byte[] Serialize(SqlRow value) => SqlJson.WriteUtf8(ToJsonValue(value));

    public object? ToJsonValue(SqlRow key)
    {
        if (columns.Count == 0 || columns.Count == 1) return key.Count == 0 ? null : key[0];
        return SqlRow.Unchecked(columns.Select(c => c.Name).ToArray(), key.Values.ToArray());
    }

    public override SqlRow Deserialize(ReadOnlySpan<byte> data)
    {
        JsonElement e;
        try
        {
            using var doc = JsonDocument.Parse(data.ToArray());
            e = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"{where}: the key is not JSON ({ex.Message}).", ex);
        }
        return FromJson(e);
    }

    public SqlRow FromJson(JsonElement e)
    {
        if (columns.Count == 0) return Keys.Make(SqlJson.ReadUntyped(e));
        if (columns.Count == 1)
        {
            var single = SqlJson.Read(e, columns[0].Type, $"{where}, key column {columns[0].Name}");
            return single is null ? throw new SerializationException($"{where}: the key is null; a table row needs its primary key {columns[0].Name}.") : Keys.Make(single);
        }
        if (e.ValueKind != JsonValueKind.Object)
            throw new SerializationException($"{where}: a composite key is a JSON object of {string.Join(", ", columns.Select(c => c.Name))}, got {e.ValueKind.ToString().ToLowerInvariant()}.");
        var values = new object?[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            if (!e.TryGetProperty(columns[i].Name, out var p) || p.ValueKind == JsonValueKind.Null)
                throw new SerializationException($"{where}: the key has no value for key column {columns[i].Name}.");
            values[i] = SqlJson.Read(p, columns[i].Type, $"{where}, key column {columns[i].Name}");
        }
        return Keys.Make(values);
    }
}

/// <summary>
/// A JSON object value of a topic: reads the declared columns by name (absent → NULL; fields not declared are
/// ignored), typed and checked; writes a row as an object of its columns.
/// </summary>
internal sealed class JsonRowSerde(IReadOnlyList<SqlColumn> columns, string where) : Serde<SqlRow>
{
    private readonly string[] _names = columns.Select(c => c.Name).ToArray();

    public override string Name => "SqlJsonRow";

    public override byte[] Serialize(SqlRow value) => SqlJson.WriteUtf8(value);

    public override SqlRow Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data.ToArray());
            return FromJson(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"{where}: the value is not JSON ({ex.Message}).", ex);
        }
    }

    public SqlRow FromJson(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new SerializationException($"{where}: a value is a JSON object of columns, got {e.ValueKind.ToString().ToLowerInvariant()}.");
        var values = new object?[columns.Count];
        for (int i = 0; i < columns.Count; i++)
            if (e.TryGetProperty(columns[i].Name, out var p))
                values[i] = SqlJson.Read(p, columns[i].Type, $"{where}, column {columns[i].Name}", columns[i].Element);
        return SqlRow.Unchecked(_names, values);
    }
}
