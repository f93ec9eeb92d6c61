using Braid.Internal.Diagnostics;
using Braid.Kafka.Internal;

namespace Braid.Kafka;

/// <summary>
/// The Kafka host's diagnostics surface — the same one the embedded runtime has (<see cref="IDiagnosticsTarget"/>): what the
/// dashboard shows in this process (<c>app.MapBraidDashboard()</c>) and what the diagnostics socket serves to another one
/// (<c>braid ui --state-dir</c>), with one handler, one socket server and one page for both hosts.
/// </summary>
public sealed partial class BraidKafkaApplication : IDiagnosticsTarget
{
    private readonly object _diagnosticsLock = new();
    private DiagnosticsServer? _diagnostics;
    private DeadLetterCounter? _deadLetters;

    string IDiagnosticsTarget.ApplicationId => _config.ApplicationId;

    (string State, string? Error) IDiagnosticsTarget.Status => (State.ToString(), Error?.Message);

    TopologyDescription IDiagnosticsTarget.DescribeTopology() => Describe();

    /// <summary>
    /// Every task of this instance: each stream thread's running tasks (lag per input partition = records in the partition
    /// not processed yet: its high watermark minus the fetch position, plus what is fetched but still buffered) and restoring
    /// ones (changelog records left), as the threads publish them (<see cref="KafkaStreamThread.SnapshotTasks"/>); then the
    /// standby replicas (changelog records not applied yet) under the standby updater's lock.
    /// </summary>
    IReadOnlyList<TaskSnapshot> IDiagnosticsTarget.SnapshotTasks()
    {
        var result = new List<TaskSnapshot>();
        if (_threads is not { } threads) return result;
        foreach (var thread in threads.Live.OrderBy(t => t.Index)) result.AddRange(thread.SnapshotTasks());
        if (threads.Standbys is { } standbys && EnterUnlessStopping(standbys.QueryLock, () => standbys.Stopping))
        {
            try
            {
                foreach (var (task, lag) in standbys.TaskLags().OrderBy(t => t.Task.Subtopology).ThenBy(t => t.Task.Partition))
                    result.Add(new TaskSnapshot("braid-standby-" + _config.ApplicationId, KafkaTask.Name(task), 0, 0, 0, [], TaskSnapshot.Standby, lag));
            }
            finally
            {
                Monitor.Exit(standbys.QueryLock);
            }
        }
        return result;
    }

    /// <summary>The dead-letter topic's records as a read_committed consumer sees them (see <see cref="DeadLetterCounter"/>).</summary>
    long? IDiagnosticsTarget.DeadLetterRecords(string topic)
    {
        DeadLetterCounter counter;
        lock (_diagnosticsLock)
        {
            if (_clients is not { } clients || State is StreamsState.NotRunning or StreamsState.Error or StreamsState.PendingShutdown) return null;
            if (_deadLetters?.Topic != topic)
            {
                _deadLetters?.Dispose();
                _deadLetters = new DeadLetterCounter(topic, () => _adminFactory(_options), () => clients.AssignedConsumer("dead-letters", partitionEof: false),
                    _options.RequestTimeout);
            }
            counter = _deadLetters;
        }
        try
        {
            return counter.Count();
        }
        catch (Exception e) when (e is KafkaUnavailableException or Confluent.Kafka.KafkaException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>
    /// For a key the browser did not find: when its task runs on another instance (or none), says so instead of "not found"
    /// (<see cref="QueryMetadataForKey{TKey}"/> with the store's default key serde, as the page has only text).
    /// </summary>
    string? IDiagnosticsTarget.KeyElsewhere(string store, Type keyType, object key)
    {
        if (_topology.Model.GlobalStoreNames.Contains(store)) return null;
        var method = typeof(BraidKafkaApplication).GetMethod(nameof(QueryMetadataForKey))!.MakeGenericMethod(keyType);
        KeyQueryMetadata meta;
        try
        {
            meta = (KeyQueryMetadata)method.Invoke(this, [store, key, null])!;
        }
        catch (System.Reflection.TargetInvocationException)
        {
            return null; // not running: the lookup itself said why
        }
        if (ActiveTasks.Contains(meta.Task)) return null;
        return meta.ActiveHost is { } host
            ? $"key '{key}' is in task {meta.Task} (partition {meta.Partition}), which runs on instance {host}, not here: query it there"
            : $"key '{key}' is in task {meta.Task} (partition {meta.Partition}), which no instance runs now (rebalancing?)";
    }

    /// <summary>Serves the diagnostics socket in <c>StateDirectory/ApplicationId</c> (once the state directory is locked: a socket a killed instance left is replaced).</summary>
    private void StartDiagnostics()
    {
        if (_options.StateDirectory is not { } dir || !_options.DiagnosticsSocket) return;
        var server = DiagnosticsServer.TryStart(Path.Combine(dir, _config.ApplicationId), r => DiagnosticsHandler.Handle(this, r), _logger);
        lock (_diagnosticsLock) _diagnostics = server;
    }

    private void StopDiagnostics()
    {
        DiagnosticsServer? server;
        lock (_diagnosticsLock)
        {
            (server, _diagnostics) = (_diagnostics, null);
            _deadLetters?.Dispose();
            _deadLetters = null;
        }
        server?.Dispose(); // outside the lock: requests in flight may need it (dead-letter counts)
    }
}
