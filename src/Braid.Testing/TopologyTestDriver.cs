using Braid.Internal;
using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;

namespace Braid.Testing;

/// <summary>
/// Runs a topology synchronously, in memory and deterministically, as Kafka's TopologyTestDriver:
/// pipe records into input topics with explicit timestamps, read what the sinks wrote, look into any
/// store, and move the wall clock by hand. Records written to a topic the topology also reads
/// (repartition topics) are fed back in before <c>PipeInput</c> returns.
/// </summary>
public sealed partial class TopologyTestDriver : IDisposable
{
    private readonly Topology _topology;
    private readonly StreamTask _task;
    private readonly StreamTask? _globalTask;
    // Everything the driver knows about a topic, found with one lookup per record (it used to take four to nine
    // string-keyed lookups per record: offsets, known-input checks, internal/watched/read-back sets, output queues).
    private readonly Dictionary<string, TopicState> _topics = new();
    private readonly Queue<Produced> _feedback = new();
    private string? _recentTopic, _previousTopic; // the last two topics looked up, and their states
    private TopicState? _recentState, _previousState;
    private readonly HashSet<string> _producedTopics = new();
    private long _wallClock;
    private bool _processing;
    private bool _disposed;

    /// <summary>Creates a driver for a topology.</summary>
    /// <param name="topology">The topology to run.</param>
    /// <param name="config">Settings; by default application id "test-driver" and no throttling of held-back join results.</param>
    /// <param name="initialWallClockMs">The starting wall-clock time in ms (default 0, for determinism).</param>
    public TopologyTestDriver(Topology topology, StreamsConfig? config = null, long initialWallClockMs = 0)
        : this(topology, config, initialWallClockMs, InMemoryStoreFactory.Instance)
    {
    }

    /// <summary>As the public constructor, with the task's stores made by <paramref name="taskStores"/> (the benchmark runs RocksDB stores this way).</summary>
    internal TopologyTestDriver(Topology topology, StreamsConfig? config, long initialWallClockMs, IStoreFactory taskStores)
    {
        _topology = topology ?? throw new ArgumentNullException(nameof(topology));
        Config = config ?? new StreamsConfig { ApplicationId = "test-driver", OuterJoinEmitInterval = TimeSpan.Zero };
        Config.Validate();
        _wallClock = initialWallClockMs;
        var model = topology.Model;
        _globalTask = model.CreateGlobalTask(Config, () => _wallClock, StorePolicy.AllInMemory);
        _globalTask?.Initialize();
        IReadOnlyDictionary<string, IStateStore> globals = _globalTask?.Stores ?? new Dictionary<string, IStateStore>();
        _task = model.CreateTask(new TaskId(0, 0), null, Config, new Collector(this), () => _wallClock, StorePolicy.WithDurable(taskStores), globals);
        _task.Initialize();
    }

    /// <summary>The settings in force.</summary>
    public StreamsConfig Config { get; }

    /// <summary>The current wall-clock time in ms.</summary>
    public long WallClockMs => _wallClock;

    /// <summary>Every topic a sink has written to so far.</summary>
    public IReadOnlyCollection<string> ProducedTopicNames => _producedTopics;

    /// <summary>Records dropped by operators so far, by "node:reason" (null keys, late records, bad input, …).</summary>
    public IReadOnlyDictionary<string, long> DroppedRecords => _task.Context.DroppedRecords;

    /// <summary>An input topic to pipe records into.</summary>
    /// <param name="topic">A topic the topology reads (a stream, table or global table source).</param>
    /// <param name="keySerde">Key serde; the type's default when null.</param>
    /// <param name="valueSerde">Value serde; the type's default when null.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The input topic.</returns>
    public TestInputTopic<TKey, TValue> CreateInputTopic<TKey, TValue>(string topic, Serde<TKey>? keySerde = null, Serde<TValue>? valueSerde = null)
    {
        EnsureKnownInput(topic);
        return new TestInputTopic<TKey, TValue>(this, topic, keySerde ?? Serdes.Default<TKey>(), valueSerde ?? Serdes.Default<TValue>());
    }

    /// <summary>An output topic to read what sinks wrote. Every record written to a topology's output topics is
    /// kept for reading; an internal topic (repartition, foreign-key subscription/response) keeps the records
    /// written after this call only, so a long run does not hold every internal record in memory.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="keySerde">Key serde; the type's default when null.</param>
    /// <param name="valueSerde">Value serde; the type's default when null.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The output topic.</returns>
    public TestOutputTopic<TKey, TValue> CreateOutputTopic<TKey, TValue>(string topic, Serde<TKey>? keySerde = null, Serde<TValue>? valueSerde = null)
    {
        Topic(topic).Watched = true;
        return new(this, topic, keySerde ?? Serdes.Default<TKey>(), valueSerde ?? Serdes.Default<TValue>());
    }

    /// <summary>Moves the wall clock forward and fires wall-clock punctuations that became due.</summary>
    /// <param name="advance">How far (not negative).</param>
    public void AdvanceWallClockTime(TimeSpan advance)
    {
        if (advance < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(advance), "The wall clock only moves forward.");
        ThrowIfDisposed();
        _wallClock += (long)advance.TotalMilliseconds;
        _task.PunctuateWallClock(_wallClock);
        DrainFeedback();
    }

    internal void Pipe(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers)
    {
        ThrowIfDisposed();
        var state = Topic(topic);
        if (state.Source is null && !state.ReadByGlobal) EnsureKnownInput(topic);
        var record = new RawRecord(topic, 0, state.NextOffset++, key, value, timestamp, headers);
        if (state.ReadByGlobal) _globalTask!.Process(record);
        else _task.Process(state.Source!, record, null);
        DrainFeedback();
    }

    internal bool TryDequeue(string topic, out RawRecord record)
    {
        if (_topics.TryGetValue(topic, out var t) && t.Kept is { Count: > 0 } q)
        {
            record = q.Dequeue().ToRaw();
            return true;
        }
        record = default;
        return false;
    }

    internal int QueueSize(string topic) => _topics.TryGetValue(topic, out var t) ? t.Kept?.Count ?? 0 : 0;

    private TopicState Topic(string topic)
    {
        // A run pipes most records into one or two topics, named by the same string instance every time: those are
        // found by reference, without hashing the name (a topic's state is made once and never replaced).
        if (ReferenceEquals(topic, _recentTopic)) return _recentState!;
        if (ReferenceEquals(topic, _previousTopic)) return _previousState!;
        if (!_topics.TryGetValue(topic, out var state))
        {
            bool global = _globalTask is not null && _globalTask.Reads(topic);
            _topics[topic] = state = new TopicState(_topology.Model.InternalTopics.Contains(topic), global ? null : _task.SourceFor(topic), global);
        }
        (_previousTopic, _previousState, _recentTopic, _recentState) = (_recentTopic, _recentState, topic, state);
        return state;
    }

    private void DrainFeedback()
    {
        if (_processing) return;
        _processing = true;
        try
        {
            while (_feedback.TryDequeue(out var r))
            {
                _task.Process(r.Source!, r.Position, r.HandedOff);
                // Delivered and kept nowhere else: the sink may reuse it. (A failure above leaves it to the GC.)
                if (r.Releasable) r.HandedOff!.Release();
            }
        }
        finally
        {
            _processing = false;
        }
    }

    private void EnsureKnownInput(string topic)
    {
        if (!_task.Reads(topic) && !(_globalTask?.Reads(topic) ?? false))
        {
            var known = _topology.Model.SourceTopics.Concat(_topology.Model.GlobalTopics);
            throw new UnknownTopicException(topic, $"the topology reads only [{string.Join(", ", known)}].");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Closes processors and stores.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _task.Close();
        _globalTask?.Close();
    }

    /// <summary>A record a sink wrote: bytes, or (for a topic the task reads back) the objects handed over, whose
    /// bytes are made only if a test reads the topic.</summary>
    private readonly record struct Produced(RawRecord Position, IHandedOffRecord? HandedOff, bool Releasable = false, ISourceNode? Source = null)
    {
        public RawRecord ToRaw()
        {
            if (HandedOff is null) return Position;
            var (key, value, headers) = HandedOff.Serialize();
            return Position with { Key = key, Value = value, Headers = headers };
        }
    }

    // The driver's one task reads back every internal topic it writes, so those records never leave it: they are
    // handed over as objects (Kafka's and the embedded host's tasks serialize them, as other partitions' tasks read them).
    private sealed class Collector(TopologyTestDriver driver) : IRecordCollector, IHandOffCollector
    {
        public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition)
        {
            var state = driver.Topic(topic);
            Add(topic, state, new Produced(new RawRecord(topic, partition ?? 0, state.NextOffset++, key, value, timestamp, headers), null));
        }

        // Internal topics only: a user topic read back may be read with other types or serdes on purpose.
        public bool HandsOff(string topic) => driver.Topic(topic) is { Internal: true, Source: not null };

        public void HandOff(string topic, IHandedOffRecord record)
        {
            var state = driver.Topic(topic);
            Add(topic, state, new Produced(new RawRecord(topic, 0, state.NextOffset++, null, null, record.Timestamp, record.Headers), record));
        }

        private void Add(string topic, TopicState state, in Produced record)
        {
            // Internal topics are kept for reading only once a test asked for them: keeping every subscription,
            // response and repartitioned record was a quarter of the foreign-key benchmark's time (queue growth)
            // and most of its GC work (a heap that only grows).
            if (!state.Produced)
            {
                state.Produced = true;
                driver._producedTopics.Add(topic);
            }
            bool kept = !state.Internal || state.Watched;
            if (kept) (state.Kept ??= new Queue<Produced>()).Enqueue(record);
            // A handed-off record kept for a reader is never released (its bytes are made when the test reads it).
            if (state.Source is not null)
                driver._feedback.Enqueue(record with { Releasable = record.HandedOff is not null && !kept, Source = state.Source });
        }
    }

    /// <summary>A topic as the driver sees it: its next offset, whether the task reads it back (its source node),
    /// whether it is internal and watched by a test, and the records kept for reading.</summary>
    private sealed class TopicState(bool isInternal, ISourceNode? source, bool readByGlobal)
    {
        public long NextOffset;
        public bool Watched;
        public bool Produced;
        public Queue<Produced>? Kept;

        public bool Internal { get; } = isInternal;

        /// <summary>The task's source node for this topic; null when the task does not read it.</summary>
        public ISourceNode? Source { get; } = source;

        public bool ReadByGlobal { get; } = readByGlobal;
    }
}
