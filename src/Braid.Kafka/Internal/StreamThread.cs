using Braid.Processors;
using System.Diagnostics;
using Braid.Internal;
using Braid.Internal.State;
using Braid.RocksDb;
using Braid.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The one stream thread of an instance. It owns every client and every task, so tasks, stores and
/// producers are touched by this thread only; rebalance callbacks run inside its own poll calls.
/// Loop: poll the group (assignments) → restore and start new tasks → global updates → input records →
/// wall-clock punctuation → commit when due.
/// </summary>
internal sealed partial class StreamThread
{
    private readonly TopologyModel _model;
    private readonly StreamsConfig _config;
    private readonly KafkaStreamsOptions _options;
    private readonly TopicLayout _layout;
    private readonly KafkaClients _clients;
    private readonly ILogger _logger;
    private readonly Action<StreamsState> _setState;
    private readonly IReadOnlyDictionary<string, int> _partitions;
    private readonly Dictionary<TaskId, KafkaTask> _tasks = new();
    private readonly Dictionary<TopicPartition, KafkaTask> _byInput = new();
    private readonly HashSet<TaskId> _pending = new();
    private readonly Dictionary<KafkaTask, Dictionary<TopicPartition, Queue<ConsumeResult<byte[]?, byte[]?>>>> _batch = new();
    private readonly Thread _thread;
    private IConsumer<byte[]?, byte[]?>? _group;
    private IConsumer<byte[]?, byte[]?>? _input;
    private IConsumer<byte[]?, byte[]?>? _restoreConsumer;
    private GlobalStateUpdater? _global;
    private IStateBackend? _backend;
    private StateRestorer? _restorer;
    private readonly RebalanceTracker _rebalance = new();
    private volatile bool _stop;
    private volatile bool _kill;
    private bool _assignedOnce;
    private long _currentTimestamp;
    private long _processed;
    private long _lag;

    public StreamThread(TopologyModel model, StreamsConfig config, KafkaStreamsOptions options, TopicLayout layout, KafkaClients clients,
        IReadOnlyDictionary<string, int> partitions, InstanceDirectory directory, Action<StreamsState> setState)
    {
        _model = model;
        _config = config;
        _options = options;
        _layout = layout;
        _clients = clients;
        _partitions = partitions;
        Directory = directory;
        _setState = setState;
        _logger = config.LoggerFactory.CreateLogger("Braid.Kafka.StreamThread");
        _thread = new Thread(Run) { IsBackground = true, Name = "braid-stream-" + layout.ApplicationId };
    }

    public InstanceDirectory Directory { get; }

    public Exception? Error { get; private set; }

    /// <summary>Input records processed so far (all source topics, repartition topics included).</summary>
    public long ProcessedRecords => Interlocked.Read(ref _processed);

    /// <summary>Records in the input partitions of this instance's tasks not yet processed (refreshed at each commit).</summary>
    public long Lag => Interlocked.Read(ref _lag);

    /// <summary>Changelog records applied while restoring tasks.</summary>
    public long RestoredRecords => _restorer?.TotalRestored ?? 0;

    /// <summary>Successful commits (offsets, or transactions under exactly-once).</summary>
    public long Commits { get; private set; }

    /// <summary>Commits due while a rebalance was in progress, and skipped.</summary>
    public long SkippedCommits => _rebalance.SkippedCommits;

    /// <summary>Offset commits the group coordinator refused (e.g. sent during a rebalance).</summary>
    public int RefusedCommits { get; private set; }

    /// <summary>Committed-offset fetches that failed (e.g. UNSTABLE_OFFSET_COMMIT) and were retried.</summary>
    public int OffsetFetchRetries { get; private set; }

    /// <summary>Tasks closed dirty and rebuilt after producer failures.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>Names of running tasks ("subtopology_partition"); safe to read from any thread.</summary>
    public IReadOnlyList<string> ActiveTasks { get; private set; } = [];

    /// <summary>Global stores, readable once the thread has bootstrapped them.</summary>
    public IReadOnlyDictionary<string, IStateStore>? GlobalStores => _global?.Stores;

    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start() => _thread.Start();

    /// <summary>Asks the thread to commit, close its tasks and leave the group.</summary>
    public void RequestStop() => _stop = true;

    /// <summary>Simulates a crash: the thread stops without committing, flushing or leaving the group.</summary>
    public void Kill()
    {
        _kill = true;
        _stop = true;
    }

    private void Run()
    {
        try
        {
            Open();
            var commitTimer = Stopwatch.StartNew();
            var renewalTimer = Stopwatch.StartNew();
            while (!_stop)
            {
                PollGroup();
                if (_pending.Count > 0) ActivatePending();
                _global?.Poll(1000);
                Directory.Poll();
                ProcessBatch(_tasks.Count == 0 ? 50 : 10, 2000);
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var t in _tasks.Values) t.Task.PunctuateWallClock(now);
                if (renewalTimer.Elapsed >= _options.InputOffsetRenewal)
                {
                    foreach (var t in _tasks.Values) t.RenewAllOffsets(); // committed with the next commit (see KafkaTask.RenewAllOffsets)
                    renewalTimer.Restart();
                }
                if (commitTimer.Elapsed >= _options.EffectiveCommitInterval)
                {
                    // As Kafka Streams' StreamThread.maybeCommit: not during a rebalance (refused there); retried when it completes.
                    if (_rebalance.InProgress)
                    {
                        _rebalance.Skipped();
                    }
                    else
                    {
                        Commit();
                        commitTimer.Restart();
                    }
                }
                if (_assignedOnce && _pending.Count == 0) _setState(StreamsState.Running);
            }
            if (!_kill) CloseCleanly();
        }
        catch (Exception e)
        {
            Error = e;
            _logger.LogError(e, "Stream thread failed.");
        }
        finally
        {
            // Signal only after every client and the state directory lock are released, so a successor can start at once.
            DisposeClients();
            if (Error is null) Finished.TrySetResult();
            else Finished.TrySetException(Error);
        }
    }

    private void Open()
    {
        if (_options.StateDirectory is { } dir) _backend = RocksDbStateBackend.Open(Path.Combine(dir, _layout.ApplicationId));
        _producer = CreateProducer();
        _input = _clients.AssignedConsumer("input", partitionEof: false);
        _restoreConsumer = _clients.AssignedConsumer("restore", partitionEof: true);
        _restorer = new StateRestorer(_restoreConsumer, _logger, _options.RestoreTimeout);
        if (_layout.GlobalTopics.Length > 0)
        {
            _global = new GlobalStateUpdater(_model, _config, _layout, _clients.AssignedConsumer("global", partitionEof: true), _partitions);
            _global.Bootstrap(_options.RestoreTimeout);
        }
        _group = _clients.GroupConsumer(OnAssigned, OnRevoked, OnLost, _rebalance.OnStatistics);
        _group.Subscribe(_layout.TasksTopic);
    }

    private void PollGroup()
    {
        try
        {
            _group!.Consume(TimeSpan.Zero); // the task topic holds no records: this only drives the group protocol and its callbacks
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _logger.LogWarning("Group poll: {Reason}", e.Error.Reason);
        }
    }

    /// <summary>
    /// Fetches up to <paramref name="max"/> records, then lets each task process its share lowest timestamp
    /// first across its partitions (order inside a partition is kept), as Kafka Streams' partition group does
    /// for the records it has buffered.
    /// </summary>
    private void ProcessBatch(int waitMs, int max)
    {
        if (_byInput.Count == 0)
        {
            Thread.Sleep(waitMs);
            return;
        }
        var timeout = TimeSpan.FromMilliseconds(waitMs);
        _batch.Clear();
        for (int i = 0; i < max; i++)
        {
            ConsumeResult<byte[]?, byte[]?>? r;
            try
            {
                r = _input!.Consume(i == 0 ? timeout : TimeSpan.Zero);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                _logger.LogWarning("Input poll: {Reason}", e.Error.Reason);
                break;
            }
            if (r is null) break;
            if (!_byInput.TryGetValue(r.TopicPartition, out var task)) continue; // fetched just before its task was revoked
            if (!_batch.TryGetValue(task, out var queues)) _batch[task] = queues = new Dictionary<TopicPartition, Queue<ConsumeResult<byte[]?, byte[]?>>>();
            if (!queues.TryGetValue(r.TopicPartition, out var q)) queues[r.TopicPartition] = q = new Queue<ConsumeResult<byte[]?, byte[]?>>();
            q.Enqueue(r);
        }
        foreach (var (task, queues) in _batch)
        {
            while (true)
            {
                Queue<ConsumeResult<byte[]?, byte[]?>>? next = null;
                foreach (var q in queues.Values)
                {
                    if (q.Count > 0 && (next is null || q.Peek().Message.Timestamp.UnixTimestampMs < next.Peek().Message.Timestamp.UnixTimestampMs)) next = q;
                }
                if (next is null) break;
                Process(task, next.Dequeue());
            }
        }
    }

    private void Process(KafkaTask task, ConsumeResult<byte[]?, byte[]?> r)
    {
        var m = r.Message;
        long ts = m.Timestamp.UnixTimestampMs;
        _currentTimestamp = ts;
        task.Task.Process(new RawRecord(_layout.ModelName(r.Topic), r.Partition.Value, r.Offset.Value, m.Key, m.Value, ts, KafkaConvert.ToBraid(m.Headers)));
        task.Processed(r.TopicPartition, r.Offset.Value);
        BraidMetrics.ProcessedRecords.Add(1);
        Interlocked.Increment(ref _processed);
    }

    private void RefreshLag()
    {
        long lag = 0;
        foreach (var tp in _byInput.Keys)
        {
            var wm = _input!.GetWatermarkOffsets(tp);
            var pos = _input.Position(tp);
            if (wm.High != Offset.Unset && pos != Offset.Unset) lag += Math.Max(0, wm.High.Value - pos.Value);
        }
        Interlocked.Exchange(ref _lag, lag);
    }

    private void CloseCleanly()
    {
        Commit();
        foreach (var id in _tasks.Keys.ToList()) CloseTask(id, dirty: false);
        Directory.Withdraw();
        _group!.Close();
    }

    private void DisposeClients()
    {
        // Dispose without Close after a kill: the group only notices at session timeout, as after a crash.
        _group?.Dispose();
        _input?.Dispose();
        _restoreConsumer?.Dispose();
        _global?.Dispose();
        _producer?.Dispose();
        _backend?.Dispose(); // uncommitted store writes are dropped: the changelog restores them
    }
}
