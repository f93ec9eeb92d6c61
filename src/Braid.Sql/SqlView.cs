using Braid.Serialization;
using Braid.Sql.Binding;

namespace Braid.Sql;

/// <summary>
/// A view defined by <c>CREATE MATERIALIZED VIEW</c> (a table, kept in the store <see cref="StoreName"/> and
/// queryable by key), or a stream defined by <c>CREATE STREAM … AS SELECT</c> / <c>INSERT INTO</c>. Either
/// way its changes are written to <see cref="Topic"/> with JSON keys and values.
/// </summary>
public sealed class SqlView
{
    internal SqlView(string name, bool isTable, string topic, string? storeName, IReadOnlyList<SqlColumn> keyColumns, IReadOnlyList<SqlColumn> columns)
    {
        Name = name;
        IsTable = isTable;
        Topic = topic;
        StoreName = storeName;
        KeyColumns = keyColumns;
        Columns = columns;
        JsonKey = new JsonKeySerde(keyColumns, $"view {name}");
        JsonValue = new JsonRowSerde(columns, $"view {name}");
    }

    /// <summary>The view's name in SQL.</summary>
    public string Name { get; }

    /// <summary>True for a materialized view (a table), false for a stream.</summary>
    public bool IsTable { get; }

    /// <summary>The topic the view's changes (a table) or records (a stream) are written to.</summary>
    public string Topic { get; }

    /// <summary>
    /// The key–value store holding a materialized view's rows (null for a stream): read it with the host's
    /// <c>GetTimestampedKeyValueStore&lt;SqlRow, SqlRow&gt;(StoreName)</c>, keys built by <see cref="Key"/>.
    /// </summary>
    public string? StoreName { get; }

    /// <summary>The key columns: the GROUP BY columns, the source's primary key, or both keys of a many-to-many join. Empty when a stream's key is the input's key as is.</summary>
    public IReadOnlyList<SqlColumn> KeyColumns { get; }

    /// <summary>The selected columns, in order (the JSON value's fields).</summary>
    public IReadOnlyList<SqlColumn> Columns { get; }

    /// <summary>The topic's key serde (JSON: the key column's value, or an object of the key columns).</summary>
    public Serde<SqlRow> KeySerde => JsonKey;

    /// <summary>The topic's value serde (JSON object of <see cref="Columns"/>).</summary>
    public Serde<SqlRow> ValueSerde => JsonValue;

    internal JsonKeySerde JsonKey { get; }

    internal JsonRowSerde JsonValue { get; }

    /// <summary>The store key of the row whose key columns have these values (in <see cref="KeyColumns"/> order).</summary>
    /// <param name="values">The key column values: <see cref="long"/> for BIGINT, <see cref="string"/> for TEXT, and so on.</param>
    /// <returns>The key.</returns>
    public SqlRow Key(params object?[] values)
    {
        if (values.Length != Math.Max(KeyColumns.Count, 1)) throw new ArgumentException($"view {Name} has {KeyColumns.Count} key column(s), got {values.Length} value(s).", nameof(values));
        foreach (var v in values) SqlValues.CheckSupported(v);
        return Keys.Make(values);
    }

    /// <summary>A key as JSON (the form of input and output lines).</summary>
    /// <param name="key">A key of this view.</param>
    /// <returns>JSON text.</returns>
    public string KeyToJson(SqlRow key) => SqlJson.WriteValue(JsonKey.ToJsonValue(key));
}
