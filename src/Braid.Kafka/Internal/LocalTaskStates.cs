using Braid.Internal.Runtime;
using Braid.Processors;
using Braid.RocksDb;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// The on-disk state of the tasks of this instance beyond the running ones:
/// <list type="bullet">
/// <item><b>Wipe</b> a task whose local checkpoint cannot belong to its changelog (beyond its end: the changelog was
/// deleted and re-created or truncated; below its start: records the store never saw — typically tombstones — were
/// removed by retention or compaction, so deleted keys would come back). Kafka Streams treats both as a corrupted
/// task: the restore consumer's InvalidOffsetException becomes a TaskCorruptedException (StoreChangelogReader), and
/// the task's state is wiped and restored from the changelog's start (TaskManager.handleCorruption →
/// ProcessorStateManager wipe). The wipe is one atomic RocksDB batch (all of the task's store ranges and its
/// checkpoints), so a crash leaves the old state with its checkpoint (wiped again at the next start) or nothing.</item>
/// <item><b>Clean up</b> tasks this instance no longer owns once they have been unowned for
/// <see cref="KafkaStreamsOptions.StateCleanupDelay"/> (Kafka's StateDirectory.cleanRemovedTasks with
/// <c>state.cleanup.delay.ms</c>, default 10 min). Until then a task coming back restores only the changelog tail.
/// The time a task was released is kept in the state backend's metadata (Kafka uses the task directory's mtime).</item>
/// </list>
/// </summary>
internal sealed class LocalTaskStates(RocksDbStateBackend backend, TopicLayout layout, TimeProvider time, TimeSpan cleanupDelay, ILogger logger)
{
    private const string ReleasedPrefix = "kafka.released/";
    private const string CheckpointPrefix = "kafka.checkpoint/";

    /// <summary>Tasks wiped because their checkpoint did not fit their changelog.</summary>
    public int Wiped { get; private set; }

    /// <summary>Unowned tasks whose state was removed after the cleanup delay.</summary>
    public int CleanedUp { get; private set; }

    /// <summary>
    /// At start-up: tasks with state on disk but no release time (the previous run crashed while owning them) count as
    /// released now, so they are cleaned up after the delay unless this instance gets them back.
    /// </summary>
    public void MarkFoundTasksReleased()
    {
        var released = backend.ReadMetadataPrefix(ReleasedPrefix).Select(kv => kv.Key[ReleasedPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var found = backend.ReadMetadataPrefix(CheckpointPrefix).Select(kv => TaskOfCheckpoint(kv.Key)).OfType<TaskId>()
            .Where(t => !released.Contains(KafkaTask.Name(t))).Distinct().ToList();
        if (found.Count > 0) MarkReleased(found);
    }

    /// <summary>The task is owned again: it is not cleaned up while owned.</summary>
    public void MarkOwned(TaskId id) => backend.Commit([], new Dictionary<string, byte[]?> { [ReleasedPrefix + KafkaTask.Name(id)] = null });

    /// <summary>The tasks left this instance now (closed, revoked or lost).</summary>
    public void MarkReleased(IEnumerable<TaskId> ids)
    {
        var now = CommitMetadata.Encode(time.GetUtcNow().ToUnixTimeMilliseconds());
        var metadata = ids.Distinct().ToDictionary(id => ReleasedPrefix + KafkaTask.Name(id), _ => (byte[]?)now);
        if (metadata.Count > 0) backend.Commit([], metadata);
    }

    /// <summary>Removes the state of unowned tasks released at least the cleanup delay ago; returns how many.</summary>
    public int CleanRemoved(IReadOnlySet<TaskId> owned)
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        int n = 0;
        foreach (var (key, value) in backend.ReadMetadataPrefix(ReleasedPrefix).ToList())
        {
            if (ParseName(key[ReleasedPrefix.Length..]) is not TaskId id || owned.Contains(id)) continue;
            long since = now - CommitMetadata.Decode(value)!.Value;
            if (since < (long)cleanupDelay.TotalMilliseconds) continue;
            logger.LogInformation("Deleting the local state of task {Task}: not owned for {Ms} ms (cleanup delay {Delay} ms).",
                KafkaTask.Name(id), since, (long)cleanupDelay.TotalMilliseconds);
            Delete(id);
            n++;
        }
        CleanedUp += n;
        return n;
    }

    /// <summary>Wipes a task's local state (it must not be open) so it restores from its changelog's start.</summary>
    public void Wipe(TaskId id, string reason)
    {
        logger.LogWarning("Task {Task} is corrupted ({Reason}): wiping its local state and restoring it from the changelog.", KafkaTask.Name(id), reason);
        Delete(id);
        Wiped++;
    }

    private void Delete(TaskId id)
    {
        var keys = layout.ChangelogsPerSubtopology.Count > id.Subtopology
            ? layout.ChangelogsPerSubtopology[id.Subtopology].Values.Select(t => KafkaTask.CheckpointKey(new TopicPartition(t, id.Partition))).ToList()
            : [];
        keys.Add(ReleasedPrefix + KafkaTask.Name(id));
        backend.DeleteTask(id, keys);
    }

    private TaskId? TaskOfCheckpoint(string key)
    {
        // kafka.checkpoint/<changelog topic>/<partition> (topic names cannot contain '/').
        var parts = key.Split('/');
        if (parts.Length != 3 || !int.TryParse(parts[2], out int partition)) return null;
        int sub = layout.ChangelogsPerSubtopology.FindIndex(logs => logs.ContainsValue(parts[1]));
        return sub < 0 ? null : new TaskId(sub, partition);
    }

    private static TaskId? ParseName(string name)
    {
        var parts = name.Split('_');
        return parts.Length == 2 && int.TryParse(parts[0], out int s) && int.TryParse(parts[1], out int p) ? new TaskId(s, p) : null;
    }
}
