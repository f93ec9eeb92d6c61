using Braid.Serialization;

namespace Braid.Sql;

/// <summary>
/// A source declared by <c>CREATE TABLE</c> or <c>CREATE STREAM</c>: the topic it reads, its columns and key.
/// Records on the topic have a JSON key (the key column's value, or an object of the key columns) and a JSON
/// object value (a null value deletes a table row).
/// </summary>
public sealed class SqlSource
{
    internal SqlSource(string name, bool isTable, string topic, IReadOnlyList<SqlColumn> columns, IReadOnlyList<string> primaryKey,
        TimeSpan? versionedRetention, string? timestampColumn)
    {
        Name = name;
        IsTable = isTable;
        Topic = topic;
        Columns = columns;
        PrimaryKey = primaryKey;
        VersionedRetention = versionedRetention;
        TimestampColumn = timestampColumn;
        var keyColumns = primaryKey.Select(k => columns.First(c => c.Name == k)).ToList();
        JsonKey = new JsonKeySerde(keyColumns, $"{(isTable ? "table" : "stream")} {name} (topic {topic})");
        JsonValue = new JsonRowSerde(columns, $"{(isTable ? "table" : "stream")} {name} (topic {topic})");
    }

    /// <summary>The source's name in SQL.</summary>
    public string Name { get; }

    /// <summary>True for a table (latest row per primary key), false for a stream of events.</summary>
    public bool IsTable { get; }

    /// <summary>The topic the source reads.</summary>
    public string Topic { get; }

    /// <summary>The declared columns, in order.</summary>
    public IReadOnlyList<SqlColumn> Columns { get; }

    /// <summary>The key columns: a table's PRIMARY KEY, or a stream's KEY columns (empty for a stream without them).</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>For a versioned table, how long old versions are kept; null otherwise.</summary>
    public TimeSpan? VersionedRetention { get; }

    /// <summary>The column that holds each record's event time (WITH timestamp = 'col'), if declared.</summary>
    public string? TimestampColumn { get; }

    /// <summary>The topic's key serde (JSON).</summary>
    public Serde<SqlRow> KeySerde => JsonKey;

    /// <summary>The topic's value serde (JSON object of the columns).</summary>
    public Serde<SqlRow> ValueSerde => JsonValue;

    internal JsonKeySerde JsonKey { get; }

    internal JsonRowSerde JsonValue { get; }
}
