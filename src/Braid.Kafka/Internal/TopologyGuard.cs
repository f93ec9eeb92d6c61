using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Keeps the application's topology fingerprint (<see cref="TopologyFingerprint"/>) on the task topic, where every
/// member sees it: a record keyed <c>braid.topology</c> written to each partition; the newest record of partition 0
/// is the fingerprint in force (the topic is compacted, so it is kept forever).
/// <list type="bullet">
/// <item>Start-up (<see cref="Claim"/>): no fingerprint yet → ours is written; the same → run; another → refused
/// with a <see cref="TopologyException"/> naming both, unless <see cref="KafkaStreamsOptions.AllowTopologyChange"/>
/// says the old topology's instances are stopped: then ours replaces it.</item>
/// <item>While running (<see cref="Verify"/>, at every rebalance callback and whenever a fingerprint record reaches
/// the group member): an instance whose fingerprint is no longer in force is fenced — it stops with a
/// <see cref="TopologyException"/> before the new topology's instance gets any task.</item>
/// </list>
/// Kafka Streams' classic protocol has no such check (a mismatched member silently runs different work under the same
/// task ids); its streams-group protocol (KIP-1071) has the group coordinator keep the topology and refuse members
/// with another one. This is the client-side equivalent on any broker. See docs/differences.md.
/// </summary>
internal sealed class TopologyGuard(string tasksTopic, int partitions, string fingerprint, string description,
    IProducer<byte[]?, byte[]?> producer, IConsumer<byte[]?, byte[]?> reader, TimeSpan timeout, ILogger logger) : IDisposable
{
    public const string RecordKey = "braid.topology";

    private static readonly byte[] KeyBytes = Encoding.UTF8.GetBytes(RecordKey);

    public string Fingerprint => fingerprint;

    /// <summary>Checks (and if free, records) the fingerprint at start-up; throws when another topology holds the application id.</summary>
    public void Claim(bool allowChange)
    {
        var current = ReadCurrent(timeout);
        if (current?.Hash == fingerprint) return;
        if (current is not null && !allowChange) throw Mismatch(current.Value, "refused");
        if (current is not null)
            logger.LogWarning("Replacing the topology fingerprint {Old} ({OldDescription}) with {New}: instances still running the old topology stop.",
                current.Value.Hash, current.Value.Description, fingerprint);
        Write();
        // Two instances with different topologies starting at once: the last write wins; the loser stops here, or
        // (if it read before the winner wrote) at the rebalance the winner's join causes (Verify).
        var after = ReadCurrent(timeout);
        if (after?.Hash != fingerprint) throw Mismatch(after ?? current!.Value, "refused");
    }

    /// <summary>Throws when the fingerprint in force is not ours any more (another topology took the application id over).</summary>
    public void Verify()
    {
        (string Hash, string Description)? current;
        try
        {
            // Bounded, as it runs inside the group member's poll: a broker down must not stall the loop for long.
            current = ReadCurrent(TimeSpan.FromTicks(Math.Min(timeout.Ticks, TimeSpan.FromSeconds(5).Ticks)));
        }
        catch (Exception e) when (e is KafkaException or KafkaUnavailableException)
        {
            // Not a verdict: the check runs again at the next rebalance or fingerprint record.
            logger.LogWarning("Could not read the topology fingerprint from '{Topic}' ({Reason}); checked again later.", tasksTopic, e.Message);
            return;
        }
        if (current is { } c && c.Hash != fingerprint) throw Mismatch(c, "fenced");
    }

    /// <summary>Whether a record read from the task topic is a fingerprint record (then <see cref="Verify"/> is due).</summary>
    public static bool IsFingerprintRecord(ConsumeResult<byte[]?, byte[]?>? r) =>
        r?.Message is { Key: { } k } && k.AsSpan().SequenceEqual(KeyBytes);

    private TopologyException Mismatch((string Hash, string Description) current, string what) =>
        new($"{what}: the application id's task topic '{tasksTopic}' holds topology {current.Hash} ({current.Description}), " +
            $"but this instance runs topology {fingerprint} ({description}). Instances with different task lists would run different " +
            "work under the same task ids. Stop every instance of the old topology, then start the new one with " +
            "KafkaStreamsOptions.AllowTopologyChange = true, or run the new topology under a new application id (see 'Upgrades' in docs/kafka.md).");

    private void Write()
    {
        var value = Encoding.UTF8.GetBytes(fingerprint + "\n" + description);
        for (int p = 0; p < partitions; p++)
            producer.Produce(new TopicPartition(tasksTopic, p), new Message<byte[]?, byte[]?> { Key = KeyBytes, Value = value });
        if (producer.Flush(timeout) > 0)
            throw new KafkaUnavailableException($"could not write the topology fingerprint to '{tasksTopic}' within {timeout.TotalSeconds:0.#} s.");
    }

    /// <summary>The newest fingerprint record of partition 0, or null when none was written yet.</summary>
    private (string Hash, string Description)? ReadCurrent(TimeSpan timeout)
    {
        var tp = new TopicPartition(tasksTopic, 0);
        var wm = reader.QueryWatermarkOffsets(tp, timeout);
        if (wm.High.Value <= wm.Low.Value) return null;
        reader.Assign(new TopicPartitionOffset(tp, new Offset(wm.High.Value - 1)));
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var r = reader.Consume(TimeSpan.FromMilliseconds(100));
                if (r is null) continue;
                if (r.IsPartitionEOF) return null;
                if (!IsFingerprintRecord(r)) continue;
                var text = Encoding.UTF8.GetString(r.Message.Value ?? []);
                int nl = text.IndexOf('\n');
                return nl < 0 ? (text, "") : (text[..nl], text[(nl + 1)..]);
            }
        }
        finally
        {
            reader.Unassign();
        }
        throw new KafkaUnavailableException($"could not read the topology fingerprint from '{tasksTopic}' within {timeout.TotalSeconds:0.#} s.");
    }

    public void Dispose()
    {
        producer.Dispose();
        reader.Dispose();
    }
}
