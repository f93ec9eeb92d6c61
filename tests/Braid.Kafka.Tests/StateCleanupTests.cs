using Braid.Internal.Runtime;
using Braid.Kafka.Internal;
using Braid.Processors;
using Braid.RocksDb;
using Braid.Serialization;
using Braid.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>State of tasks this instance no longer owns is deleted once unowned for the clean-up delay (Kafka's state.cleanup.delay.ms).</summary>
public sealed class StateCleanupTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-cleanup-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly KeyValueStoreBuilder<string, long> Counts = Stores.KeyValue("counts", Serdes.String, Serdes.Int64);

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    // Bug caught: state of tasks that moved away was kept (and its checkpoint trusted) forever; or, the other way, deleted
    // before the delay, so a task coming straight back restored its whole changelog.
    [Fact]
    public void An_unowned_task_is_deleted_after_the_cleanup_delay_never_before_and_never_while_owned()
    {
        var layout = TopicLayout.Compute(Topologies.Count("in", "out").Model, "app", new Dictionary<string, int> { ["in"] = 3 });
        string changelog = layout.ChangelogsPerSubtopology[0]["counts"];
        string Key(int p) => "kafka.checkpoint/" + changelog + "/" + p;
        var time = new ManualTime();
        using var backend = RocksDbStateBackend.Open(_dir);
        var t0 = new TaskId(0, 0);
        var t1 = new TaskId(0, 1);
        var t2 = new TaskId(0, 2);
        WriteState(backend, t0, t1, t2);
        backend.Commit([], Enumerable.Range(0, 3).ToDictionary(Key, p => (byte[]?)CommitMetadata.Encode(5)));
        var local = new LocalTaskStates(backend, layout, time, TimeSpan.FromMinutes(10), NullLogger.Instance);

        local.MarkFoundTasksReleased(); // all three found on disk, released "now" (the previous run crashed owning them)
        local.MarkOwned(t0);
        time.Now += TimeSpan.FromMinutes(4);
        local.MarkReleased([t1]); // t1 released again later: its delay restarts
        time.Now += TimeSpan.FromMinutes(6) - TimeSpan.FromMilliseconds(1);
        Assert.Equal(0, local.CleanRemoved(new HashSet<TaskId> { t0 }));
        time.Now += TimeSpan.FromMilliseconds(1);
        Assert.Equal(1, local.CleanRemoved(new HashSet<TaskId> { t0 })); // t2: 10 min unowned
        Assert.Null(backend.ReadMetadata(Key(2)));
        Assert.False(HasData(backend, t2));
        Assert.True(HasData(backend, t1));
        Assert.NotNull(backend.ReadMetadata(Key(1)));

        time.Now += TimeSpan.FromMinutes(4);
        Assert.Equal(1, local.CleanRemoved(new HashSet<TaskId> { t0 })); // t1, 10 min after its last release
        Assert.False(HasData(backend, t1));
        time.Now += TimeSpan.FromHours(5);
        Assert.Equal(0, local.CleanRemoved(new HashSet<TaskId> { t0 })); // owned: kept however long
        Assert.True(HasData(backend, t0));
        Assert.NotNull(backend.ReadMetadata(Key(0)));
    }

    private static void WriteState(RocksDbStateBackend backend, params TaskId[] tasks)
    {
        foreach (var id in tasks)
        {
            using var task = backend.OpenTask(id);
            var store = task.Stores.CreateKeyValueStore(Counts);
            store.Put("k" + id.Partition, 1);
            backend.Commit([task], new Dictionary<string, byte[]?>());
        }
    }

    private static bool HasData(RocksDbStateBackend backend, TaskId id)
    {
        using var task = backend.OpenTask(id);
        return task.Stores.CreateKeyValueStore(Counts).TryGet("k" + id.Partition, out _);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
