namespace Braid.Sql.Binding;

/// <summary>
/// A bound relation: a table (latest row per key, <see cref="Table"/>) or a stream of events
/// (<see cref="Stream"/>), its columns, and which columns form the key. Every row carries all its columns,
/// key columns included; the record key is <see cref="Keys"/> of the key columns.
/// </summary>
internal sealed class Relation
{
    public required Schema Schema { get; init; }

    /// <summary>
    /// Positions of the key columns in the row (a table's primary key; a stream's key columns when known, else
    /// empty: the input's key as is); -1 for a key column the SELECT list left out.
    /// </summary>
    public required int[] Key { get; init; }

    /// <summary>Names and types of the key columns, for JSON keys.</summary>
    public required IReadOnlyList<SqlColumn> KeyColumns { get; init; }

    /// <summary>True when the row holds every key column.</summary>
    public bool KeyInRow => Key.All(k => k >= 0);

    public KTable<SqlRow, SqlRow>? Table { get; init; }

    public KStream<SqlRow, SqlRow>? Stream { get; init; }

    public bool IsTable => Table is not null;

    /// <summary>
    /// For a stream source with KEY columns: its tombstones (null values), keyed by the key columns. They are
    /// not events; only a GROUP BY over exactly the KEY columns reads them, to delete that group (docs/sql.md).
    /// </summary>
    public KStream<SqlRow, SqlRow>? Deletes { get; init; }

    /// <summary>The versioned table's history retention, when the table keeps versions (as-of joins).</summary>
    public TimeSpan? VersionedRetention { get; init; }

    /// <summary>The position of the column that holds the record timestamp (WITH timestamp = 'col'), if any.</summary>
    public int? TimeColumn { get; init; }

    /// <summary>True for the relation of a CREATE TABLE / CREATE STREAM source.</summary>
    public bool IsSourceRelation { get; init; }

    public string Kind => IsTable ? "table" : "stream";
}
