using Braid.Internal.State.Logging;

namespace Braid.Kafka.Internal.State;

/// <summary>Where a store's changelog records go on the Kafka host: its producer (the thread's record collector).</summary>
internal interface IChangelogSink
{
    void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp);
}

/// <summary>
/// A logged store's changelog endpoint on the Kafka host: the store's changelog topic and its task's partition. The
/// timestamp callback gives the timestamp of the record being processed (what a key–value change carries).
/// </summary>
internal sealed class ChangelogTarget(string topic, int partition, IChangelogSink sink, Func<long> timestamp) : IChangeSink
{
    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public long CurrentTimestamp => timestamp();

    /// <summary>Hands the change to the producer. Under exactly-once it is part of the task's open transaction, so a
    /// crash before the commit aborts it together with the output and the offsets; under at-least-once it may survive
    /// a crash, and restoring it before the records are reprocessed is what at-least-once allows.</summary>
    public void Log(byte[] key, byte[]? value, long timestamp) => sink.SendChangelog(Topic, Partition, key, value, timestamp);
}

/// <summary>A logged store of a Kafka task and the changelog topic it is restored from.</summary>
internal sealed record RestorableStore(ILoggedStore Store, string ChangelogTopic)
{
    public string Name => Store.Name;

    public void Restore(byte[] key, byte[]? value, long timestamp) => Store.Restore(key, value, timestamp);
}
