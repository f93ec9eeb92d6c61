using Braid.Internal.Faults;
using Braid.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Makes the running tasks' work durable (Kafka's <c>TaskExecutor.commitOffsetsOrTransaction</c> + <c>StreamsProducer</c>).
/// At-least-once: flush the producer, write the on-disk stores with their changelog checkpoints, then commit every
/// input position through the group member. Exactly-once v2: send every input position to the open transaction with
/// the member's group metadata (KIP-447 fencing), commit it, then write the on-disk stores with their checkpoints.
/// A crash between the transaction commit and the local write is safe: the older checkpoint only makes the restore
/// replay more of the changelog. Failures: a refused offset commit keeps positions for the next commit; a fenced or
/// fatal producer, a failed transaction or a transient delivery failure closes every task dirty and rebuilds it; a
/// record the broker will never accept fails the thread (<see cref="DeliveryFailure"/>).
/// </summary>
internal sealed class TaskCommitter(KafkaRecordCollector output, Func<IConsumer<byte[]?, byte[]?>> group, IStateBackend? backend,
    RebalanceTracker rebalance, bool exactlyOnce, TimeSpan requestTimeout, ILogger logger)
{
    /// <summary>Successful commits.</summary>
    public long Commits { get; private set; }

    /// <summary>Offset commits the coordinator refused (e.g. sent during a rebalance).</summary>
    public int Refused { get; private set; }

    /// <summary>
    /// Commits <paramref name="tasks"/> (all running tasks: the producer and the transaction are shared).
    /// Returns false when the work since the last commit is lost and every task must be rebuilt.
    /// </summary>
    public bool Commit(IReadOnlyCollection<KafkaTask> tasks, bool force = false)
    {
        if (!force && !output.HasWrites && !tasks.Any(t => t.NeedsCommit)) return true;
        var offsets = tasks.Where(t => t.Running).SelectMany(t => t.Positions()).ToList();
        return exactlyOnce ? CommitTransaction(tasks, offsets) : CommitAtLeastOnce(tasks, offsets);
    }

    private bool CommitAtLeastOnce(IReadOnlyCollection<KafkaTask> tasks, List<TopicPartitionOffset> offsets)
    {
        if (output.Producer.Flush(requestTimeout) > 0)
        {
            logger.LogWarning("Outputs not acknowledged within {Timeout}; offsets stay uncommitted until they are.", requestTimeout);
            return true;
        }
        if (!DeliveredEverything()) return false;
        output.ResetWrites();
        Failpoints.Hit(KafkaFailpoints.AfterFlush);
        WriteLocalState(tasks, output.ChangelogEnds);
        Failpoints.Hit(KafkaFailpoints.AfterLocalCheckpoint);
        if (offsets.Count == 0) return true;
        try
        {
            group().Commit(offsets);
            Done(tasks);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Refused (typically mid-rebalance): the positions stay and go with the next commit.
            Refused++;
            rebalance.Refused(e.Error.Code);
            logger.LogWarning("Offset commit failed: {Reason}; retrying at the next commit.", e.Error.Reason);
        }
        return true;
    }

    private bool CommitTransaction(IReadOnlyCollection<KafkaTask> tasks, List<TopicPartitionOffset> offsets)
    {
        try
        {
            if (offsets.Count > 0)
            {
                try
                {
                    output.Producer.SendOffsetsToTransaction(offsets, group().ConsumerGroupMetadata, requestTimeout);
                }
                catch (KafkaRetriableException e)
                {
                    // The transaction is still usable (e.g. the coordinator was busy): keep it open and retry at the next commit.
                    Refused++;
                    rebalance.Refused(e.Error.Code);
                    logger.LogWarning("Sending offsets to the transaction failed ({Reason}); retrying at the next commit.", e.Error.Reason);
                    return true;
                }
            }
            Failpoints.Hit(KafkaFailpoints.AfterSendOffsets);
            output.Producer.CommitTransaction(requestTimeout);
        }
        catch (KafkaException e)
        {
            return Recover(e);
        }
        if (!DeliveredEverything()) return false;
        Failpoints.Hit(KafkaFailpoints.AfterCommitTransaction);
        WriteLocalState(tasks, output.ChangelogEnds);
        Done(tasks);
        output.ResetWrites();
        output.Producer.BeginTransaction();
        return true;
    }

    private void Done(IReadOnlyCollection<KafkaTask> tasks)
    {
        foreach (var t in tasks.Where(t => t.Running)) t.Committed();
        KafkaMetrics.Commits.Add(1);
        Commits++;
    }

    /// <summary>A permanent delivery failure ends the thread; a transient one loses the uncommitted work.</summary>
    private bool DeliveredEverything()
    {
        if (output.Failure is not { } failure) return true;
        if (failure.IsPermanent) throw failure.ToException();
        return Recover(new KafkaException(failure.Error));
    }

    /// <summary>
    /// Replaces a fenced or fatal producer, aborts an abortable transaction. Either way the work since the last
    /// commit is gone from Kafka's view: the caller closes every task dirty and rebuilds it.
    /// </summary>
    public bool Recover(KafkaException e)
    {
        bool fatal = e.Error.IsFatal || e.Error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch;
        logger.LogWarning("Producer failure ({Reason}, fatal: {Fatal}): closing all tasks dirty and rebuilding them.", e.Error.Reason, fatal);
        if (fatal || !exactlyOnce) output.Open();
        else Abort();
        return false;
    }

    /// <summary>Aborts the open transaction (exactly-once), replacing the producer if even that fails.</summary>
    public void Abort()
    {
        if (!exactlyOnce) return;
        try
        {
            output.Producer.AbortTransaction(requestTimeout);
            output.Producer.BeginTransaction();
            output.ResetWrites();
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Abort failed ({Reason}); replacing the producer.", e.Error.Reason);
            output.Open();
        }
    }

    /// <summary>
    /// Persists the on-disk stores of <paramref name="tasks"/> with, per changelog partition, the next changelog
    /// offset they already contain — one atomic write, so state and checkpoint never disagree after a crash.
    /// </summary>
    public void WriteLocalState(IEnumerable<KafkaTask> tasks, IReadOnlyDictionary<TopicPartition, long> changelogEnds)
    {
        if (backend is null) return;
        var states = new List<ITaskState>();
        var metadata = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            if (t.State is null) continue;
            states.Add(t.State);
            foreach (var topic in t.Checkpointed)
            {
                var tp = new TopicPartition(topic, t.Id.Partition);
                if (changelogEnds.TryGetValue(tp, out long end)) metadata[KafkaTask.CheckpointKey(tp)] = Braid.Internal.Runtime.CommitMetadata.Encode(end);
            }
        }
        if (states.Count > 0) backend.Commit(states, metadata);
    }
}
