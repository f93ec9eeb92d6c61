using Braid.Internal;
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
    private readonly Dictionary<string, Queue<Produced>> _outputs = new();
    private readonly Dictionary<string, long> _offsets = new();
    private readonly Queue<Produced> _feedback = new();
    private readonly HashSet<string> _watchedInternal = new();
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
        if (_topology.Model.InternalTopics.Contains(topic)) _watchedInternal.Add(topic);
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
        EnsureKnownInput(topic);
        var record = new RawRecord(topic, 0, NextOffset(topic), key, value, timestamp, headers);
        if (_globalTask is not null && _globalTask.Reads(topic)) _globalTask.Process(record);
        else _task.Process(record);
        DrainFeedback();
    }

    internal bool TryDequeue(string topic, out RawRecord record)
    {
        if (_outputs.TryGetValue(topic, out var q) && q.Count > 0)
        {
            record = q.Dequeue().ToRaw();
            return true;
        }
        record = default;
        return false;
    }

    internal int QueueSize(string topic) => _outputs.TryGetValue(topic, out var q) ? q.Count : 0;

    private void DrainFeedback()
    {
        if (_processing) return;
        _processing = true;
        try
        {
            while (_feedback.TryDequeue(out var r))
            {
                _task.Process(r.Position, r.HandedOff);
                // Delivered and kept nowhere else: the sink may reuse it. (A failure above leaves it to the GC.)
                if (r.Releasable) r.HandedOff!.Release();
            }
        }
        finally
        {
            _processing = false;
        }
    }

    private long NextOffset(string topic)
    {
        long o = _offsets.GetValueOrDefault(topic);
        _offsets[topic] = o + 1;
        return o;
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
    private readonly record struct Produced(RawRecord Position, IHandedOffRecord? HandedOff, bool Releasable = false)
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
        public void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition) =>
            Add(topic, new Produced(new RawRecord(topic, partition ?? 0, driver.NextOffset(topic), key, value, timestamp, headers), null));

        // Internal topics only: a user topic read back may be read with other types or serdes on purpose.
        public bool HandsOff(string topic) => driver._topology.Model.InternalTopics.Contains(topic) && driver._task.Reads(topic);

        public void HandOff(string topic, IHandedOffRecord record) =>
            Add(topic, new Produced(new RawRecord(topic, 0, driver.NextOffset(topic), null, null, record.Timestamp, record.Headers), record));

        private void Add(string topic, in Produced record)
        {
            // Internal topics are kept for reading only once a test asked for them: keeping every subscription,
            // response and repartitioned record was a quarter of the foreign-key benchmark's time (queue growth)
            // and most of its GC work (a heap that only grows).
            driver._producedTopics.Add(topic);
            bool kept = !driver._topology.Model.InternalTopics.Contains(topic) || driver._watchedInternal.Contains(topic);
            if (kept)
            {
                if (!driver._outputs.TryGetValue(topic, out var q)) driver._outputs[topic] = q = new Queue<Produced>();
                q.Enqueue(record);
            }
            // A handed-off record kept for a reader is never released (its bytes are made when the test reads it).
            if (driver._task.Reads(topic)) driver._feedback.Enqueue(record with { Releasable = record.HandedOff is not null && !kept });
        }
    }
}
