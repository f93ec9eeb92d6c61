namespace Braid.Cdc;

/// <summary>What a change event did to its row (Debezium's <c>op</c> field).</summary>
public enum ChangeOperation
{
    /// <summary><c>c</c>: a row was inserted.</summary>
    Create,

    /// <summary><c>u</c>: a row was updated (a primary-key change arrives as a delete of the old key and a create of the new one).</summary>
    Update,

    /// <summary><c>d</c>: a row was deleted.</summary>
    Delete,

    /// <summary><c>r</c>: a row read by a snapshot.</summary>
    Read,
}

/// <summary>
/// One change to one row, as read from a Debezium envelope. <see cref="After"/> is the row after the
/// change and is present (not null) exactly when <see cref="Operation"/> is not <see cref="ChangeOperation.Delete"/>.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Operation">What happened.</param>
/// <param name="Before">The row before the change, when the source sent it (updates and deletes; often only the key columns).</param>
/// <param name="After">The row after the change; null for deletes.</param>
/// <param name="SourceTimestampMs"><c>source.ts_ms</c>: when the change was committed in the source database (for snapshot reads: when the row was read); null when absent.</param>
/// <param name="EventTimestampMs">The envelope's top-level <c>ts_ms</c>: when the connector processed the change; null when absent.</param>
/// <param name="Snapshot">True for rows read by a snapshot (<c>source.snapshot</c> is true, first, first_in_data_collection, last, last_in_data_collection or incremental).</param>
public sealed record ChangeEvent<T>(ChangeOperation Operation, T? Before, T? After, long? SourceTimestampMs, long? EventTimestampMs, bool Snapshot);
