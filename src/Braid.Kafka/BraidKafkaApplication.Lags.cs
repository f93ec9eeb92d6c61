using Confluent.Kafka;

namespace Braid.Kafka;

/// <summary>Lags of this instance's local stores (Kafka Streams' <c>KafkaStreams.allLocalStorePartitionLags</c>).</summary>
public sealed partial class BraidKafkaApplication
{
    private readonly object _lagProbeLock = new();
    private IConsumer<byte[]?, byte[]?>? _lagProbe; // for the end-offset requests (never subscribed nor assigned), closed with the instance
    private bool _lagProbeClosed;

    /// <summary>
    /// For every store with a changelog that this instance holds — in running or restoring active tasks, and in standby
    /// replicas — how far each partition has read its changelog and how far it lags its end (as Kafka Streams'
    /// <c>allLocalStorePartitionLags</c>: a running active task reports lag 0; a restoring one or a standby where it has
    /// read to). Use it to choose which instance answers a query with
    /// <see cref="Braid.State.StoreQueryParameters.EnableStaleStores"/>, or to wait until a standby is caught up. Asks the
    /// cluster for the changelogs' ends (one request per partition, within <see cref="KafkaStreamsOptions.RequestTimeout"/>).
    /// </summary>
    /// <returns>Store name → partition → lag; empty before start, after close, or when no local task has a logged store.</returns>
    /// <exception cref="KafkaException">The cluster did not answer for a changelog's end.</exception>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<int, LagInfo>> AllLocalStorePartitionLags()
    {
        var positions = new Dictionary<TopicPartition, (string Store, long? Position)>();
        if (_threads is { } threads)
        {
            foreach (var thread in threads.Live)
            {
                List<(string Store, TopicPartition Partition, long? Position)> parts;
                lock (thread.QueryLock) parts = thread.ChangelogPositions();
                foreach (var (store, tp, pos) in parts) positions[tp] = (store, pos);
            }
            if (threads.Standbys is { } standbys)
            {
                lock (standbys.QueryLock)
                {
                    // A task claimed by a stream thread meanwhile is its active one now: the stream thread's entry wins.
                    foreach (var (store, tp, pos) in standbys.Positions()) positions.TryAdd(tp, (store, pos));
                }
            }
        }
        var result = new SortedDictionary<string, IReadOnlyDictionary<int, LagInfo>>(StringComparer.Ordinal);
        if (positions.Count == 0) return result;
        lock (_lagProbeLock) // the probe is not disposed under a request
        {
            if (_lagProbeClosed || _clients is null) return result;
            _lagProbe ??= _clients.AssignedConsumer("lags", partitionEof: false);
            foreach (var (tp, (store, pos)) in positions.OrderBy(kv => kv.Key.Partition.Value))
            {
                long end = _lagProbe.QueryWatermarkOffsets(tp, _options.RequestTimeout).High.Value;
                if (!result.TryGetValue(store, out var partitions)) result[store] = partitions = new SortedDictionary<int, LagInfo>();
                // Running active: at the end by definition (Kafka's Task.LATEST_OFFSET), whatever was written since.
                ((SortedDictionary<int, LagInfo>)partitions)[tp.Partition.Value] = new LagInfo(pos ?? end, end);
            }
        }
        return result;
    }

    private void CloseLagProbe()
    {
        lock (_lagProbeLock)
        {
            _lagProbeClosed = true;
            _lagProbe?.Dispose();
            _lagProbe = null;
        }
    }
}
