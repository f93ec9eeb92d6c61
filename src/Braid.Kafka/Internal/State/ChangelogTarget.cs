namespace Braid.Kafka.Internal.State;

/// <summary>Where a store's writes go: its changelog topic and the partition of its task.</summary>
internal interface IChangelogSink
{
    void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp);
}

/// <summary>A store's changelog endpoint; the timestamp callback gives the timestamp of the record being processed.</summary>
internal sealed class ChangelogTarget(string topic, int partition, IChangelogSink sink, Func<long> timestamp)
{
    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public void Send(byte[] key, byte[]? value) => sink.SendChangelog(Topic, Partition, key, value, timestamp());

    public void Send(byte[] key, byte[]? value, long ts) => sink.SendChangelog(Topic, Partition, key, value, ts);
}

/// <summary>A store that can be rebuilt from its changelog records (bypassing the changelog on the way in).</summary>
internal interface IRestorableStore
{
    string Name { get; }

    string ChangelogTopic { get; }

    void Restore(byte[] key, byte[]? value, long timestamp);
}
