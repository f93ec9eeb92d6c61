using System.Diagnostics;
using Braid.Internal;
using Braid.Internal.Runtime;
using Braid.Internal.State;
using Braid.RocksDb;
using Braid.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Keeps the global stores (GlobalKTables) of this instance: reads every partition of the global topics,
/// first to their end (bootstrap, before any task processes), then continuously between task records.
/// Every instance runs one, so every instance has the whole table.
/// <para>
/// With a state directory and every global store on disk, the stores live in RocksDB and each commit writes them
/// together with the next offset of every global partition (one atomic batch): a restart reads only the records
/// after that checkpoint (Kafka's GlobalStateManagerImpl: the global checkpoint file, restore from it). A checkpoint
/// outside a partition's range (topic re-created, records deleted) wipes the global state and reads everything from
/// the start, as Kafka does when the global consumer hits an InvalidOffsetException (GlobalStateManagerImpl /
/// GlobalStreamThread re-initialising the stores). Without a state directory, or with an in-memory global store,
/// the tables are in memory and read from the start at every start.
/// </para>
/// </summary>
internal sealed class GlobalStateUpdater : IDisposable
{
    /// <summary>The global task's id in the state backend (as the embedded runtime's).</summary>
    public static readonly Braid.Processors.TaskId GlobalTaskId = new(-1, -1);

    private const string CheckpointPrefix = "kafka.global-checkpoint/";
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly StreamTask _task;
    private readonly TopicLayout _layout;
    private readonly RocksDbStateBackend? _backend;
    private readonly ITaskState? _state;
    private readonly Dictionary<TopicPartition, long> _positions = new();
    private bool _dirty;
    private long _read;

    public GlobalStateUpdater(TopologyModel model, StreamsConfig config, TopicLayout layout, IConsumer<byte[]?, byte[]?> consumer,
        IReadOnlyDictionary<string, int> partitions, RocksDbStateBackend? backend, TimeSpan timeout, ILogger logger)
    {
        _layout = layout;
        _consumer = consumer;
        var tps = layout.GlobalTopics.SelectMany(t => Enumerable.Range(0, partitions[t]).Select(p => new TopicPartition(t, p))).ToList();
        Partitions = tps;
        bool onDisk = backend is not null && model.GlobalStoreNames.All(s => model.Stores.TryGetValue(s, out var b) && !b.InMemory);
        var starts = new Dictionary<TopicPartition, Offset>();
        if (onDisk)
        {
            _backend = backend;
            bool corrupt = false;
            var low = new Dictionary<TopicPartition, long>();
            foreach (var tp in tps)
            {
                var wm = consumer.QueryWatermarkOffsets(tp, timeout);
                low[tp] = wm.Low.Value;
                long? local = CommitMetadata.Decode(backend!.ReadMetadata(CheckpointKey(tp)));
                if (local is long c && (c > wm.High.Value || c < wm.Low.Value))
                {
                    logger.LogWarning("The global checkpoint of {Partition} is offset {Offset}, outside the partition's range [{Low}, {High}]: " +
                        "wiping the global state and reading the global topics from the start.", tp, c, wm.Low.Value, wm.High.Value);
                    corrupt = true;
                }
                starts[tp] = local is long o ? new Offset(o) : Offset.Beginning;
            }
            // Stored state without a checkpoint for some partition (first start, or a partition added to a global topic since)
            // cannot be told apart from a half-read one: start over.
            if (corrupt || starts.Values.Any(o => o == Offset.Beginning))
            {
                backend!.DeleteTask(GlobalTaskId, backend.ReadMetadataPrefix(CheckpointPrefix).Select(kv => kv.Key).ToList());
                foreach (var tp in tps) starts[tp] = Offset.Beginning;
            }
            foreach (var tp in tps) _positions[tp] = starts[tp] == Offset.Beginning ? low[tp] : starts[tp].Value;
            _dirty = true;
            _state = backend!.OpenTask(GlobalTaskId);
        }
        var policy = _state is null ? StorePolicy.AllInMemory : StorePolicy.WithDurable(_state.Stores);
        _task = model.CreateGlobalTask(config, () => config.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), policy)
            ?? throw new InvalidOperationException("the topology has no global part.");
        _task.Initialize();
        _consumer.Assign(tps.Select(tp => new TopicPartitionOffset(tp, starts.GetValueOrDefault(tp, Offset.Beginning))));
    }

    public IReadOnlyList<TopicPartition> Partitions { get; }

    public IReadOnlyDictionary<string, IStateStore> Stores => _task.Stores;

    /// <summary>Global records applied since this instance started (a restart from a checkpoint reads only the tail).</summary>
    public long RecordsRead => Interlocked.Read(ref _read);

    private static string CheckpointKey(TopicPartition tp) => CheckpointPrefix + tp.Topic + "/" + tp.Partition.Value;

    /// <summary>Reads every global partition up to its current end.</summary>
    public void Bootstrap(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        var remaining = Partitions.Where(tp =>
        {
            var wm = _consumer.QueryWatermarkOffsets(tp, timeout);
            return wm.High > wm.Low;
        }).ToHashSet();
        while (remaining.Count > 0)
        {
            if (sw.Elapsed > timeout)
                throw new StreamsException($"bootstrapping global tables from [{string.Join(", ", remaining)}] did not finish within {timeout.TotalSeconds:0.#} s.");
            var r = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            if (r.IsPartitionEOF) remaining.Remove(r.TopicPartition);
            else Apply(r);
        }
        Commit();
    }

    /// <summary>Applies what has arrived since the last call (at most <paramref name="max"/> records), without waiting.</summary>
    public int Poll(int max)
    {
        int n = 0;
        while (n < max)
        {
            var r = _consumer.Consume(TimeSpan.Zero);
            if (r is null) break;
            if (r.IsPartitionEOF) continue;
            Apply(r);
            n++;
        }
        return n;
    }

    /// <summary>
    /// Persists the global stores with the next offset of every partition read so far, in one atomic write (no-op in
    /// memory). A crash before it re-reads the records since the previous commit, re-applying them to the state of
    /// that commit: the result is the same.
    /// </summary>
    public void Commit()
    {
        if (_state is null || !_dirty) return;
        _backend!.Commit([_state], _positions.ToDictionary(kv => CheckpointKey(kv.Key), kv => (byte[]?)CommitMetadata.Encode(kv.Value)));
        _dirty = false;
    }

    private void Apply(ConsumeResult<byte[]?, byte[]?> r)
    {
        var m = r.Message;
        _task.Process(new RawRecord(_layout.ModelName(r.Topic), r.Partition.Value, r.Offset.Value, m.Key, m.Value,
            m.Timestamp.UnixTimestampMs, KafkaConvert.ToBraid(m.Headers)));
        if (_state is not null)
        {
            _positions[r.TopicPartition] = r.Offset.Value + 1;
            _dirty = true;
        }
        Interlocked.Increment(ref _read);
    }

    public void Dispose()
    {
        _task.Close();
        _state?.Dispose(); // uncommitted global writes are dropped: the records after the checkpoint are read again
        _consumer.Dispose();
    }
}
