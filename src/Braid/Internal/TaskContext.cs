using Braid.Processors;
using Braid.State;
using Microsoft.Extensions.Logging;

namespace Braid.Internal;

/// <summary>
/// Everything a node may use from its host, for one task: stores, stream time, the wall clock,
/// punctuation, the record collector, the metadata of the current input record, and drop accounting.
/// This is the whole operator–host contract; the driver, the embedded runtime and Kafka each fill it in.
/// </summary>
internal sealed class TaskContext
{
    private readonly IReadOnlyDictionary<string, IStateStore> _stores;
    private readonly IReadOnlyDictionary<string, IStateStore> _globalStores;
    private readonly Func<long> _wallClock;
    private readonly Dictionary<string, long> _dropped = new();
    private Dictionary<string, object>? _shared;
    private RawRecord _current;
    private IHandedOffRecord? _handedOff;
    private bool _hasCurrent;

    public TaskContext(TaskId id, StreamsConfig config, IRecordCollector collector, Func<long> wallClock,
        IReadOnlyDictionary<string, IStateStore> stores, IReadOnlyDictionary<string, IStateStore> globalStores)
    {
        TaskId = id;
        Config = config;
        Collector = collector;
        _wallClock = wallClock;
        _stores = stores;
        _globalStores = globalStores;
        Logger = config.LoggerFactory.CreateLogger("Braid.Task." + id);
    }

    public TaskId TaskId { get; }

    public StreamsConfig Config { get; }

    public IRecordCollector Collector { get; }

    public ILogger Logger { get; }

    /// <summary>Largest timestamp seen on this task's inputs; long.MinValue while unknown.</summary>
    public long StreamTime { get; private set; } = long.MinValue;

    public long WallClockMs => _wallClock();

    /// <summary>Topic, partition and offset of the input record being processed; null in a wall-clock punctuation.
    /// Built on request, so the hot path only copies the record.</summary>
    public RecordMetadata? RecordMetadata => _hasCurrent ? new RecordMetadata(_current.Topic, _current.Partition, _current.Offset) : null;

    /// <summary>Marks the input record being processed (for record metadata and error contexts).</summary>
    public void BeginRecord(in RawRecord record, IHandedOffRecord? handedOff = null)
    {
        _current = record;
        _handedOff = handedOff;
        _hasCurrent = true;
    }

    /// <summary>Marks the end of a record's processing (raw bytes are released).</summary>
    public void EndRecord()
    {
        _current = default;
        _handedOff = null;
        _hasCurrent = false;
    }

    /// <summary>
    /// Where a failure at <paramref name="node"/> happened: this task, and the source record being processed
    /// (absent in a wall-clock punctuation), for the processing and production handlers.
    /// </summary>
    public ErrorHandlerContext ErrorContext(string node, long timestamp)
    {
        if (!_hasCurrent) return new ErrorHandlerContext(TaskId, node, null, -1, -1, timestamp, null, null, null, Config.DeadLetterQueueTopic);
        var (key, value) = (_current.Key, _current.Value);
        // A handed-over record has no bytes yet: make them now, as the topic would have held them, so a
        // dead letter carries the same source bytes on every host.
        if (_handedOff is not null)
        {
            try
            {
                (key, value) = _handedOff.Serialize();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Unserializable: the context then has no source bytes (never a failure while reporting one).
            }
        }
        return new ErrorHandlerContext(TaskId, node, _current.Topic, _current.Partition, _current.Offset, timestamp, _current.Headers,
            key, value, Config.DeadLetterQueueTopic);
    }

    public PunctuationQueue StreamTimePunctuations { get; } = new();

    public PunctuationQueue WallClockPunctuations { get; } = new();

    public IReadOnlyDictionary<string, long> DroppedRecords => _dropped;

    /// <summary>All records this task dropped; readable from other threads (the dashboard's diagnostics), unlike the dictionary.</summary>
    public long DroppedTotal => Volatile.Read(ref _droppedTotal);

    private long _droppedTotal;

    public void AdvanceStreamTime(long timestamp)
    {
        if (timestamp > StreamTime) StreamTime = timestamp;
    }

    public bool IsGlobalStore(string name) => !_stores.ContainsKey(name) && _globalStores.ContainsKey(name);

    public bool HasStore(string name) => _stores.ContainsKey(name) || _globalStores.ContainsKey(name);

    public T GetStore<T>(string name) where T : class
    {
        if (!_stores.TryGetValue(name, out var store) && !_globalStores.TryGetValue(name, out store))
            throw new StreamsException($"Store '{name}' is not available in task {TaskId}.");
        return store as T ?? throw new StreamsException(
            $"Store '{name}' is a {store.GetType().Name}, not a {typeof(T).Name}.");
    }

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator)
    {
        long ms = (long)interval.TotalMilliseconds;
        return type == PunctuationType.StreamTime
            ? StreamTimePunctuations.Add(0, ms, punctuator)
            : WallClockPunctuations.Add(WallClockMs + ms, ms, punctuator);
    }

    /// <summary>
    /// Per-task state that several nodes of one operator share (the two sides of a stream–stream join
    /// share one stream time). Created on first request, keyed by the operator's name, gone with the task.
    /// </summary>
    public T GetOrCreateShared<T>(string key, Func<T> create) where T : class
    {
        _shared ??= new Dictionary<string, object>();
        if (_shared.TryGetValue(key, out var existing))
        {
            return existing as T ?? throw new StreamsException(
                $"Shared task state '{key}' is a {existing.GetType().Name}, not a {typeof(T).Name}.");
        }
        var created = create();
        _shared.Add(key, created);
        return created;
    }

    /// <summary>Counts a record an operator dropped on purpose (never silent: logged and metered too).</summary>
    public void RecordDropped(string node, string reason)
    {
        string k = node + ":" + reason;
        _dropped[k] = _dropped.GetValueOrDefault(k) + 1;
        Volatile.Write(ref _droppedTotal, _droppedTotal + 1); // one writer: the task's thread
        BraidMetrics.DroppedRecords.Add(1, new KeyValuePair<string, object?>("node", node), new KeyValuePair<string, object?>("reason", reason));
        if (Logger.IsEnabled(LogLevel.Debug))
            Logger.LogDebug("Node {Node} dropped a record ({Reason}) at {Meta}.", node, reason, RecordMetadata);
    }
}
