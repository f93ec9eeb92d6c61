namespace Braid.Cdc;

/// <summary>Which time becomes the timestamp of a table update read from a change event.</summary>
public enum ChangeTimestamp
{
    /// <summary><c>source.ts_ms</c>, the commit time in the source database (the default); falls back to the record's timestamp when absent.</summary>
    SourceCommit,

    /// <summary>The envelope's <c>ts_ms</c>, when the connector processed the change; falls back to the record's timestamp when absent.</summary>
    Connector,

    /// <summary>The record's own timestamp (on Kafka: the producer's or broker's time).</summary>
    Record,
}
