using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// Local state that does not match its changelog any more is wiped and restored from the changelog (Kafka's
/// TaskCorruptedException handling), never trusted and never a reason to refuse to start.
/// </summary>
public sealed class CorruptedStateTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-corrupt-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _orders, _customers, _output;

    public CorruptedStateTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    private BraidKafkaApplication App(string id, bool onDisk = true) =>
        _k.App(Topologies.StreamTable(_orders, _customers, _output), id, onDisk ? _k.Options() with { StateDirectory = _dir } : _k.Options());

    private async Task<BraidKafkaApplication> RunningAsync(string id, bool onDisk = true)
    {
        var app = App(id, onDisk);
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        return app;
    }

    private async Task ProduceCustomersAsync(BraidKafkaApplication app, IEnumerable<(string, string?, long)> customers)
    {
        var list = customers.ToList();
        long before = app.ProcessedRecords;
        _k.Produce(_customers, Serdes.String, Serdes.String, list);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords - before >= list.Count, TimeSpan.FromSeconds(30), "customers processed");
    }

    /// <summary>Sends one order per customer c0..c9 and returns the customer values the join found (by customer).</summary>
    private async Task<Dictionary<string, string>> JoinedAsync(BraidKafkaApplication app)
    {
        var orders = Enumerable.Range(0, 10).Select(i => ("c" + i, (string?)("o" + i), 9000L + i)).ToList();
        long before = app.ProcessedRecords;
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords - before >= orders.Count, TimeSpan.FromSeconds(30), "orders processed");
        await Task.Delay(500); // the joins' output is flushed with the next commit (100 ms)
        return _k.ReadAll(_output, Serdes.String, Serdes.String).ToDictionary(r => r.Key, r => r.Value!.Split('|')[1]);
    }

    private string Changelog(string id) => _k.Prefix + id + "-customers-store-changelog";

    // Bug caught: a checkpoint beyond the changelog's end (changelog deleted and re-created, e.g. by an application reset)
    // was refused (the instance could not start), or, before that, trusted: the stale rows stayed in the store and joined.
    [Fact]
    public async Task A_changelog_recreated_empty_wipes_the_local_store_so_stale_rows_no_longer_join()
    {
        var first = await RunningAsync("recreated");
        await ProduceCustomersAsync(first, StreamTableJoinTests.Customers(10));
        await first.CloseAsync();

        _k.RecreateTopic(Changelog("recreated"), Partitions); // the changelog, the table's truth, is now empty

        var second = await RunningAsync("recreated");
        Assert.True(second.WipedTasks >= 1, "the tasks whose checkpoint lies beyond the new changelog's end were wiped");
        Assert.Empty(await JoinedAsync(second)); // no customer exists any more: no order joins
        await ProduceCustomersAsync(second, [("c3", "back", 20_000L)]);
        Assert.Equal(new Dictionary<string, string> { ["c3"] = "back" }, await JoinedAsync(second));
    }

    // Bug caught: a checkpoint below the changelog's start was clamped to the start: records in between (here the
    // tombstones of c0..c4, as compaction removes them after delete.retention.ms) were never applied, so deleted
    // customers came back and joined.
    [Fact]
    public async Task A_checkpoint_below_the_changelog_start_wipes_the_store_so_deleted_keys_do_not_come_back()
    {
        var first = await RunningAsync("below");
        await ProduceCustomersAsync(first, StreamTableJoinTests.Customers(10));
        await first.CloseAsync(); // its checkpoint: the changelog's end after 10 records

        var other = await RunningAsync("below", onDisk: false); // another instance moves the table on meanwhile
        await ProduceCustomersAsync(other, Enumerable.Range(0, 5).Select(i => ("c" + i, (string?)null, 2000L + i)));
        await KafkaTestCluster.WaitUntilAsync(() => _k.EndOffsets(Changelog("below"), Partitions).Sum() >= 15, TimeSpan.FromSeconds(30), "tombstones logged");
        var afterTombstones = _k.EndOffsets(Changelog("below"), Partitions);
        await ProduceCustomersAsync(other, Enumerable.Range(5, 5).Select(i => ("c" + i, (string?)("renamed" + i), 3000L + i)));
        await KafkaTestCluster.WaitUntilAsync(() => _k.EndOffsets(Changelog("below"), Partitions).Sum() >= 20, TimeSpan.FromSeconds(30), "updates logged");
        await other.CloseAsync();
        // The originals and the tombstones are gone from the changelog, as retention or compaction would remove them.
        for (int p = 0; p < Partitions; p++) _k.DeleteRecords(Changelog("below"), p, afterTombstones[p]);

        var second = await RunningAsync("below");
        Assert.True(second.WipedTasks >= 1, "a task whose checkpoint lies below the changelog's start was wiped");
        var joined = await JoinedAsync(second);
        Assert.Equal(Enumerable.Range(5, 5).ToDictionary(i => "c" + i, i => "renamed" + i), joined);
    }

    public void Dispose()
    {
        _k.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
