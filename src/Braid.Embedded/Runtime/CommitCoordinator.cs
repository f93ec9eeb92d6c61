using System.Diagnostics;
using Braid.Embedded.Logs;
using Braid.Internal.Faults;
using Braid.Internal.Runtime;
using Braid.Internal.State;

namespace Braid.Embedded.Runtime;

/// <summary>
/// Makes the work of a set of tasks durable in one step. Commits of all threads are serialized by one
/// application-wide lock (processing stays parallel). Exactly-once protocol:
/// <list type="number">
/// <item>(a) append the tasks' buffered output to the logs; fsync them when durability is PowerLoss;</item>
/// <item>(b) one atomic <see cref="IStateBackend.Commit"/> with the tasks' state, their input offsets and
/// stream times, and the new end of every log written (its committed high-water mark);</item>
/// <item>(c) publish the new high-water marks, so downstream tasks and readers see the records.</item>
/// </list>
/// Crash before or during (a): the appended tail is beyond the committed high-water mark; restart cuts it,
/// and the old state and offsets make the tasks produce it again — nothing lost, nothing twice.
/// Crash during (b): the backend write is atomic, so the same holds. Crash after (b), before (c): restart
/// reads the new high-water marks from the backend, so the records are kept and shown; the offsets say
/// they were produced, so they are not produced again. No reader ever saw a record above a committed
/// high-water mark, so nothing downstream depended on a record that vanished.
/// </summary>
internal sealed class CommitCoordinator(IStateBackend backend, bool exactlyOnce, bool fsync, LogActivity activity) : ICommitSink<EmbeddedTask>
{
    private readonly object _lock = new();
    private Exception? _broken;

    public object Lock => _lock;

    public void Commit(IReadOnlyList<EmbeddedTask> tasks)
    {
        long start = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_broken is not null)
                throw new StreamsException("An earlier commit failed and its appended output could not be removed; no further commit may publish. Restart the application (recovery cuts the logs to their committed ends).", _broken);
            var touched = new HashSet<PartitionLog>();
            try
            {
                foreach (var t in tasks) t.Collector?.AppendTo(touched);
                Failpoints.Hit(EmbeddedFailpoints.CommitAfterOutputAppend);
                if (fsync)
                {
                    foreach (var log in touched) log.Sync();
                    // The offsets about to be committed must not point past input a power loss could drop.
                    foreach (var t in tasks)
                    {
                        foreach (var input in t.Inputs) input.Sync();
                        // At-least-once appended output before this commit; the high-water marks below must not outrun it.
                        foreach (var output in t.Collector?.WrittenLogs ?? []) output.Sync();
                    }
                }
                Failpoints.Hit(EmbeddedFailpoints.CommitBeforeStateBatch);
                var metadata = new Dictionary<string, byte[]?>();
                foreach (var t in tasks) t.Runtime.AddCommitMetadata(metadata);
                if (exactlyOnce)
                {
                    foreach (var log in touched) metadata[CommitMetadata.HighWatermark(log.Topic, log.Partition)] = CommitMetadata.Encode(log.EndOffset);
                }
                else
                {
                    // At-least-once stores high-water marks too (what was visible at this commit), so recovery can
                    // tell a log that lost committed records, and a later switch to exactly-once keeps them.
                    foreach (var t in tasks)
                    {
                        foreach (var log in t.Collector?.WrittenLogs ?? [])
                            metadata[CommitMetadata.HighWatermark(log.Topic, log.Partition)] = CommitMetadata.Encode(log.VisibleEnd);
                    }
                }
                backend.Commit(tasks.Select(t => t.State).ToList(), metadata);
            }
            catch (Exception failure)
            {
                // Nothing of this commit is durable yet: cut what it appended before any other thread can publish.
                CutFailedCommit(touched, failure);
                throw;
            }
            long produced = 0;
            try
            {
                // The commit is durable from here: a fault injected now must not undo the publish below.
                Failpoints.Hit(EmbeddedFailpoints.CommitAfterStateBatch);
            }
            finally
            {
                foreach (var log in touched)
                {
                    produced += log.EndOffset - log.VisibleEnd;
                    log.VisibleEnd = log.EndOffset;
                }
                foreach (var t in tasks) t.Runtime.MarkCommitted();
            }
            Failpoints.Hit(EmbeddedFailpoints.CommitAfterPublish);
            if (produced > 0) EmbeddedMetrics.RecordsProduced.Add(produced);
            if (touched.Count > 0) activity.Signal();
        }
        EmbeddedMetrics.Commits.Add(1);
        EmbeddedMetrics.CommitLatency.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>
    /// A commit failed after (part of) its output was appended: cut every log it wrote back to its visible end,
    /// here, still under the commit lock — before another thread's commit could write a high-water mark above
    /// the orphaned records and publish them (issue 15, row 4). Appends happen only under this lock and are
    /// published before it is released, so everything above a visible end belongs to this commit. Its state
    /// write did not happen (the backend write is atomic and threw), so its input is processed again after the
    /// thread is replaced or the application restarts. If the cut itself fails, no later commit may publish.
    /// </summary>
    private void CutFailedCommit(HashSet<PartitionLog> touched, Exception failure)
    {
        try
        {
            foreach (var log in touched) log.CutUncommitted();
        }
        catch (Exception cutError)
        {
            _broken = new AggregateException(failure, cutError);
        }
    }

    /// <summary>At-least-once: output becomes visible as soon as a batch is processed, before its commit.</summary>
    public void FlushOutputs(IReadOnlyList<EmbeddedTask> tasks)
    {
        lock (_lock)
        {
            var touched = new HashSet<PartitionLog>();
            foreach (var t in tasks) t.Collector?.AppendTo(touched);
            Failpoints.Hit(EmbeddedFailpoints.FlushAfterOutputAppend);
            foreach (var log in touched) log.VisibleEnd = log.EndOffset;
            if (touched.Count > 0) activity.Signal();
        }
    }
}

/// <summary>Wakes idle threads and readers when records become visible somewhere.</summary>
internal sealed class LogActivity
{
    private readonly object _gate = new();
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    public void Signal()
    {
        lock (_gate)
        {
            _version++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until something became visible after <paramref name="seen"/>, or the timeout.</summary>
    public void Wait(long seen, int timeoutMs)
    {
        lock (_gate)
        {
            if (_version == seen) Monitor.Wait(_gate, timeoutMs);
        }
    }
}
