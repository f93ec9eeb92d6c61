using Braid.Processors;
using Braid.Internal;
using Braid.Internal.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>Task life cycle: assignment, restoration, revocation (clean close), loss and rebuild (dirty close).</summary>
internal sealed partial class StreamThread
{
    private void OnAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        _assignedOnce = true;
        _rebalance.Assigned();
        if (partitions.Count == 0) return;
        _setState(StreamsState.Rebalancing);
        foreach (var p in partitions) _pending.Add(_layout.Tasks[p.Partition.Value]);
        _logger.LogInformation("Assigned tasks [{Tasks}].", string.Join(", ", partitions.Select(p => KafkaTask.Name(_layout.Tasks[p.Partition.Value]))));
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        if (partitions.Count == 0) return;
        _setState(StreamsState.Rebalancing);
        // Commit before handing tasks over, so the next owner starts exactly where these tasks stopped.
        // Directly, not through the due-commit check: the revocation is part of the rebalance and must commit (TaskManager.handleRevocation).
        Commit();
        _rebalance.Revoked();
        foreach (var p in partitions)
        {
            var id = _layout.Tasks[p.Partition.Value];
            DropPending(id);
            if (_tasks.ContainsKey(id)) CloseTask(id, dirty: false);
        }
        _logger.LogInformation("Revoked tasks [{Tasks}].", string.Join(", ", partitions.Select(p => KafkaTask.Name(_layout.Tasks[p.Partition.Value]))));
        Announce();
    }

    private void OnLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        _setState(StreamsState.Rebalancing);
        _rebalance.Revoked();
        var lost = partitions.Select(p => _layout.Tasks[p.Partition.Value]).ToHashSet();
        _logger.LogWarning("Lost tasks [{Tasks}] (session expired): closing them without committing.", string.Join(", ", lost.Select(KafkaTask.Name)));
        if (ExactlyOnce)
        {
            // The open transaction spans every task: abort it and restart the kept tasks from their last commit.
            AbortTransaction();
            RebuildAll(except: lost);
        }
        foreach (var id in lost)
        {
            DropPending(id);
            if (_tasks.ContainsKey(id)) CloseTask(id, dirty: true);
        }
        Announce();
    }

    /// <summary>
    /// Builds the pending tasks: committed input offsets first, then their stores are restored, then their input is
    /// fetched. The order matters under exactly-once: the offset fetch waits until no transaction holding these
    /// offsets is open (UNSTABLE_OFFSET_COMMIT, KIP-447), and after that a fenced predecessor cannot commit any more,
    /// so changelog ends read afterwards include everything its last transaction wrote (StoreChangelogReader reads
    /// end offsets only for tasks whose offsets are known).
    /// </summary>
    private void ActivatePending()
    {
        var ids = _pending.Where(id => !_tasks.ContainsKey(id)).OrderBy(id => id.Subtopology).ThenBy(id => id.Partition).ToList();
        var inputs = ids.SelectMany(id => _layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition))).ToList();
        List<TopicPartitionOffset> committed;
        try
        {
            committed = _group!.Committed(inputs, _options.RequestTimeout);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Typically UNSTABLE_OFFSET_COMMIT until a crashed predecessor's transaction times out (transaction.timeout.ms):
            // the tasks stay pending and the fetch is retried on the next loop, while the member keeps polling.
            OffsetFetchRetries++;
            _logger.LogWarning("Fetching committed offsets of [{Inputs}] failed ({Reason}); retrying.", string.Join(", ", inputs), e.Error.Reason);
            return;
        }
        var globals = _global?.Stores ?? new Dictionary<string, Braid.State.IStateStore>();
        var created = ids.Select(id => KafkaTask.Create(id, _model, _layout, _config, this, this, () => _currentTimestamp, globals, _backend)).ToList();
        _pending.Clear();
        if (created.Count == 0) return;
        var reached = _restorer!.Restore(created, tp => ReadCheckpoint(created, tp));
        // Ends seen before an earlier revocation are stale; replaying from a stale checkpoint would duplicate window-store entries.
        foreach (var (tp, end) in reached) _changelogEnds[tp] = end;
        CommitLocalState(created, reached);
        foreach (var t in created) t.Task.Initialize();
        var start = committed.Select(c => new TopicPartitionOffset(c.TopicPartition, c.Offset == Offset.Unset ? StartOf(c.TopicPartition) : c.Offset)).ToList();
        foreach (var t in created)
        {
            _tasks[t.Id] = t;
            foreach (var tp in t.Inputs) _byInput[tp] = t;
        }
        foreach (var s in start) _byInput[s.TopicPartition].Resumed(s.TopicPartition, s.Offset.Value);
        // Partitions of rebuilt tasks stayed assigned (an unassign immediately followed by an assign of the same
        // partition can leave it unfetched): rewind them instead.
        var assigned = _input!.Assignment.ToHashSet();
        foreach (var s in start.Where(s => assigned.Contains(s.TopicPartition))) _input.Seek(s);
        _input.IncrementalAssign(start.Where(s => !assigned.Contains(s.TopicPartition)));
        Announce();
        _logger.LogInformation("Running tasks [{Tasks}] from offsets [{Offsets}].",
            string.Join(", ", created.Select(t => KafkaTask.Name(t.Id))), string.Join(", ", start.Select(s => s.ToString())));
    }

    /// <summary>Where an input partition without a committed offset starts: its first offset (auto.offset.reset=earliest), made explicit so it can be committed.</summary>
    private long StartOf(TopicPartition tp) => _input!.QueryWatermarkOffsets(tp, _options.RequestTimeout).Low.Value;

    /// <summary>Closes a task; dirty drops its uncommitted store writes (the changelog and the last commit are the truth).</summary>
    private void CloseTask(TaskId id, bool dirty, bool keepInputAssigned = false)
    {
        var t = _tasks[id];
        _tasks.Remove(id);
        foreach (var tp in t.Inputs) _byInput.Remove(tp);
        if (!keepInputAssigned) _input!.IncrementalUnassign(t.Inputs);
        if (dirty) t.State?.DiscardPending();
        t.Task.Close();
        t.State?.Dispose();
    }

    /// <summary>Forgets a task that was waiting to be (re)built; a rebuilt task may still hold its input partitions.</summary>
    private void DropPending(TaskId id)
    {
        if (!_pending.Remove(id)) return;
        var inputs = _layout.SourcesPerSubtopology[id.Subtopology].Select(t => new TopicPartition(t, id.Partition));
        var held = inputs.Where(_input!.Assignment.Contains).ToList();
        if (held.Count > 0) _input.IncrementalUnassign(held);
    }

    private long? ReadCheckpoint(IEnumerable<KafkaTask> tasks, TopicPartition tp)
    {
        if (_backend is null || !tasks.Any(t => t.Id.Partition == tp.Partition.Value && t.Checkpointed.Contains(tp.Topic))) return null;
        var bytes = _backend.ReadMetadata(KafkaTask.CheckpointKey(tp));
        return bytes is null ? null : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
    }

    /// <summary>
    /// Persists the on-disk stores of <paramref name="tasks"/> with, per changelog partition, the next changelog
    /// offset they already contain — one atomic write, so state and checkpoint never disagree after a crash.
    /// </summary>
    private void CommitLocalState(IEnumerable<KafkaTask> tasks, IReadOnlyDictionary<TopicPartition, long> changelogEnds)
    {
        if (_backend is null) return;
        var states = new List<ITaskState>();
        var metadata = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            if (t.State is null) continue;
            states.Add(t.State);
            foreach (var topic in t.Checkpointed)
            {
                var tp = new TopicPartition(topic, t.Id.Partition);
                if (!changelogEnds.TryGetValue(tp, out long end)) continue;
                var bytes = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, end);
                metadata[KafkaTask.CheckpointKey(tp)] = bytes;
            }
        }
        if (states.Count > 0) _backend.Commit(states, metadata);
    }

    /// <summary>Closes every task without committing and queues it to be rebuilt: state from the changelog, input from the last commit.</summary>
    private void RebuildAll(IReadOnlySet<TaskId>? except = null)
    {
        foreach (var id in _tasks.Keys.ToList())
        {
            bool rebuild = except is null || !except.Contains(id);
            CloseTask(id, dirty: true, keepInputAssigned: rebuild);
            if (rebuild) _pending.Add(id);
            KafkaMetrics.TaskRebuilds.Add(1);
            Rebuilds++;
        }
    }

    private void Announce()
    {
        ActiveTasks = _tasks.Keys.OrderBy(t => t.Subtopology).ThenBy(t => t.Partition).Select(KafkaTask.Name).ToList();
        Directory.Announce(ActiveTasks);
    }
}
