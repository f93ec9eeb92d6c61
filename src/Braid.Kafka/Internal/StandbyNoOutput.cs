using Braid.Internal;
using Braid.Kafka.Internal.State;

namespace Braid.Kafka.Internal;

/// <summary>The record collector and changelog sink of a standby task: a standby only applies its changelogs, so any
/// attempt to send a record or a changelog entry from it is a bug and fails loudly.</summary>
internal sealed class StandbyNoOutput : IRecordCollector, IChangelogSink
{
    public static readonly StandbyNoOutput Instance = new();

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp, global::Braid.Headers? headers, int? partition) =>
        throw new InvalidOperationException("a standby task does not process records.");

    public void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) =>
        throw new InvalidOperationException("a standby task does not process records.");
}
