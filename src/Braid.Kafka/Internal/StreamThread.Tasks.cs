using Braid.Processors;
using Braid.Internal;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>Task life cycle: assignment, restoration, revocation (clean close), loss and rebuild (dirty close).</summary>
internal sealed partial class StreamThread
{
    private void OnAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        _assignedOnce = true;
        if (partitions.Count == 0) return;
        _setState(KafkaStreamsState.Rebalancing);
        foreach (var p in partitions) _pending.Add(_layout.Tasks[p.Partition.Value]);
        _logger.LogInformation("Assigned tasks [{Tasks}].", string.Join(", ", partitions.Select(p => KafkaTask.Name(_layout.Tasks[p.Partition.Value]))));
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        if (partitions.Count == 0) return;
        _setState(KafkaStreamsState.Rebalancing);
        // Commit before handing tasks over, so the next owner starts exactly where these tasks stopped.
        Commit();
        foreach (var p in partitions)
        {
            var id = _layout.Tasks[p.Partition.Value];
            _pending.Remove(id);
            if (_tasks.ContainsKey(id)) CloseTask(id);
        }
        _logger.LogInformation("Revoked tasks [{Tasks}].", string.Join(", ", partitions.Select(p => KafkaTask.Name(_layout.Tasks[p.Partition.Value]))));
        Announce();
    }

    private void OnLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        _setState(KafkaStreamsState.Rebalancing);
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
            _pending.Remove(id);
            if (_tasks.ContainsKey(id)) CloseTask(id);
        }
        Announce();
    }

    /// <summary>Builds the pending tasks, restores their stores, then starts fetching their input from the committed offsets.</summary>
    private void ActivatePending()
    {
        var globals = _global?.Stores ?? new Dictionary<string, Braid.State.IStateStore>();
        var created = _pending.Where(id => !_tasks.ContainsKey(id)).OrderBy(id => id.Subtopology).ThenBy(id => id.Partition)
            .Select(id => KafkaTask.Create(id, _model, _layout, _config, this, this, () => _currentTimestamp, globals)).ToList();
        _pending.Clear();
        if (created.Count == 0) return;
        _restorer!.Restore(created);
        foreach (var t in created) t.Task.Initialize();
        var inputs = created.SelectMany(t => t.Inputs).ToList();
        var committed = _group!.Committed(inputs, _options.RequestTimeout);
        var start = committed.Select(c => c.Offset == Offset.Unset ? new TopicPartitionOffset(c.TopicPartition, Offset.Beginning) : c).ToList();
        foreach (var t in created)
        {
            _tasks[t.Id] = t;
            foreach (var tp in t.Inputs) _byInput[tp] = t;
        }
        _input!.IncrementalAssign(start);
        Announce();
        _logger.LogInformation("Running tasks [{Tasks}] from offsets [{Offsets}].",
            string.Join(", ", created.Select(t => KafkaTask.Name(t.Id))), string.Join(", ", start.Select(s => s.ToString())));
    }

    private void CloseTask(TaskId id)
    {
        var t = _tasks[id];
        _tasks.Remove(id);
        foreach (var tp in t.Inputs) _byInput.Remove(tp);
        _input!.IncrementalUnassign(t.Inputs);
        t.Task.Close();
    }

    /// <summary>Closes every task without committing and queues it to be rebuilt: state from the changelog, input from the last commit.</summary>
    private void RebuildAll(IReadOnlySet<TaskId>? except = null)
    {
        foreach (var id in _tasks.Keys.ToList())
        {
            CloseTask(id);
            if (except is null || !except.Contains(id)) _pending.Add(id);
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
