using System.Collections.Concurrent;
using Braid.Internal.Runtime;
using Braid.RocksDb;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>Restoring task state: in steps inside the poll loop, reported to a listener, wiped and restored when the checkpoint cannot belong to the changelog.</summary>
public sealed class RestoreTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-restore-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _orders, _customers, _output;

    public RestoreTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    private sealed class Recorder : IStateRestoreListener
    {
        public ConcurrentBag<string> Started { get; } = new();

        public ConcurrentBag<string> Ended { get; } = new();

        public long Batched;

        public int Batches;

        public TimeSpan PauseAfterBatch { get; init; }

        public void OnRestoreStart(string store, string changelog, long startOffset, long endOffset) => Started.Add(changelog);

        public void OnBatchRestored(string store, string changelog, long batchEndOffset, long batchRecords)
        {
            Interlocked.Add(ref Batched, batchRecords);
            Interlocked.Increment(ref Batches);
            Thread.Sleep(PauseAfterBatch); // a slow store: each batch takes this long to apply
        }

        public void OnRestoreEnd(string store, string changelog, long totalRecords) => Ended.Add(changelog);
    }

    // Bug caught: a restore that blocks the poll loop longer than max.poll.interval.ms: the member leaves the group,
    // loses its tasks, rejoins and restores again from zero (in-memory stores), in a loop.
    [Fact]
    public async Task A_restore_longer_than_max_poll_interval_keeps_the_member_in_its_group_and_restores_once()
    {
        if (!_k.IsMock) return; // slows the brokers down
        // One partition: every restore step applies at most one batch, so no single step comes near max.poll.interval.ms.
        string orders = _k.Prefix + "orders1", customersTopic = _k.Prefix + "customers1", output = _k.Prefix + "enriched1";
        foreach (var t in new[] { orders, customersTopic, output }) _k.CreateTopic(t, 1);
        var first = _k.App(Topologies.StreamTable(orders, customersTopic, output), "slow-restore");
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = Enumerable.Range(0, 3000).Select(i => ("c" + i, (string?)("customer-name-" + i), 1000L + i)).ToList();
        _k.Produce(customersTopic, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(30), "customers");
        await first.CloseAsync();

        // Small fetches from slow brokers: the changelog takes many round trips (well over max.poll.interval.ms) to read.
        _k.Mock.SetRoundTripTime(250);
        var listener = new Recorder { PauseAfterBatch = TimeSpan.FromMilliseconds(900) };
        var options = _k.Options() with
        {
            RestoreListener = listener,
            ClientSettings = new Dictionary<string, string>
            {
                ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200", ["max.poll.interval.ms"] = "2000", ["max.partition.fetch.bytes"] = "2048",
            },
        };
        var second = _k.App(Topologies.StreamTable(orders, customersTopic, output), "slow-restore", options);
        var started = DateTime.UtcNow;
        var states = new ConcurrentQueue<StreamsState>();
        second.StateChanged += (_, change) => states.Enqueue(change.NewState);
        await second.StartAsync();
        // Meanwhile the restoring task's lag (AllLocalStorePartitionLags) shows its position moving towards the end.
        var lags = new List<LagInfo>();
        await KafkaTestCluster.WaitUntilAsync(() =>
        {
            if (second.AllLocalStorePartitionLags().GetValueOrDefault("customers-store")?.GetValueOrDefault(0) is { } lag) lags.Add(lag);
            return second.State == StreamsState.Running && second.ActiveTasks.Count == 1;
        }, TimeSpan.FromSeconds(90), "restored and running");
        Assert.Contains(lags, l => l.OffsetLag > 0 && l.CurrentOffsetPosition > 0); // seen restoring, part-way
        Assert.Equal(lags.Select(l => l.CurrentOffsetPosition).Order(), lags.Select(l => l.CurrentOffsetPosition)); // never backwards
        Assert.Equal(new LagInfo(customers.Count, customers.Count), second.AllLocalStorePartitionLags()["customers-store"][0]); // running: at the end
        // A member that overran max.poll.interval.ms leaves the group when it next polls: give it longer than that to show.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal([StreamsState.Running], states.SkipWhile(s => s != StreamsState.Running).Distinct()); // never rebalanced again
        // Batches × pause: the restore as a whole took well over max.poll.interval.ms (2 s); no single step did.
        Assert.True(listener.Batches >= 3, $"only {listener.Batches} restore batches: the restore was not long enough to test anything");
        Assert.Equal(customers.Count, second.RestoredRecords); // restored once: no lost tasks, no restart from zero
        Assert.Equal(customers.Count, Interlocked.Read(ref listener.Batched));
        Assert.Single(listener.Started);
        Assert.Equal(listener.Started.Order(), listener.Ended.Order());
        Assert.Null(second.Error);
    }

    // Bug caught: a local checkpoint beyond the changelog's end (forged here; in life the changelog was deleted and
    // re-created) was refused with an error, so the instance could not start until someone deleted its state directory.
    [Fact]
    public async Task A_local_checkpoint_beyond_the_changelog_end_wipes_the_task_and_restores_it_from_the_changelog()
    {
        var options = _k.Options() with { StateDirectory = _dir };
        var first = _k.App(Topologies.StreamTable(_orders, _customers, _output), "beyond", options);
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = StreamTableJoinTests.Customers(10);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= 10, TimeSpan.FromSeconds(20), "customers");
        await first.CloseAsync();

        string changelog = _k.Prefix + "beyond-customers-store-changelog";
        long end0 = _k.EndOffsets(changelog, Partitions)[0];
        using (var backend = RocksDbStateBackend.Open(Path.Combine(_dir, _k.Prefix + "beyond")))
            backend.Commit([], new Dictionary<string, byte[]?> { ["kafka.checkpoint/" + changelog + "/0"] = CommitMetadata.Encode(1_000_000) });

        var second = _k.App(Topologies.StreamTable(_orders, _customers, _output), "beyond", options);
        await second.StartAsync();
        await second.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        Assert.Equal(1, second.WipedTasks);
        Assert.Equal(end0, second.RestoredRecords); // task 0_0 restored in full, task 0_1 from its (valid) checkpoint: nothing
        var orders = StreamTableJoinTests.Orders(40, customers.Count);
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        await KafkaTestCluster.WaitUntilAsync(() => second.ProcessedRecords >= orders.Count, TimeSpan.FromSeconds(20), "orders");
        var expected = Topologies.Reference(Topologies.StreamTable(_orders, _customers, _output), _output, (_customers, customers), (_orders, orders));
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(_output, Serdes.String, Serdes.String).Count >= expected.Count, TimeSpan.FromSeconds(20), "joins");
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)));
    }

    public void Dispose()
    {
        _k.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
