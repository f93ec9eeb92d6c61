using Xunit.Abstractions;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

/// <summary>Committed input offsets: kept alive for idle inputs, fetched safely, never refused mid-rebalance.</summary>
public sealed class InputOffsetTests : IDisposable
{
    private const int Partitions = 4;
    private readonly KafkaTestCluster _k = new();
    private readonly string _orders, _customers, _output;
    private readonly ITestOutputHelper _out;

    public InputOffsetTests(ITestOutputHelper output)
    {
        _out = output;
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    // Bug caught: only partitions that received records were committed, so an idle input's offset was never renewed
    // and the broker expires it offsets.retention.minutes after its last commit (the whole topic is then reprocessed).
    [Fact]
    public async Task Every_owned_input_position_is_committed_after_assignment_and_renewed_while_the_inputs_stay_idle()
    {
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "renew",
            _k.Options() with { InputOffsetRenewal = TimeSpan.FromMilliseconds(300) });
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");

        // The orders topic never had a record, yet its position (the start) is committed: nothing of it can expire unseen.
        await KafkaTestCluster.WaitUntilAsync(() => _k.Committed("renew", _orders, Partitions).All(o => o == 0), TimeSpan.FromSeconds(20),
            "the idle orders partitions' start committed");
        var ends = _k.EndOffsets(_customers, Partitions).Select(e => new Offset(e)).ToList();
        await KafkaTestCluster.WaitUntilAsync(() => _k.Committed("renew", _customers, Partitions).SequenceEqual(ends), TimeSpan.FromSeconds(20),
            "the customers' ends committed");

        // Nothing arrives any more; the positions are committed again and again all the same.
        long commits = app.Commits;
        await KafkaTestCluster.WaitUntilAsync(() => app.Commits >= commits + 3, TimeSpan.FromSeconds(20), "renewal commits while idle");
        Assert.Equal(ends, _k.Committed("renew", _customers, Partitions));
        Assert.Equal(customers.Count, app.ProcessedRecords);
    }

    // Bug caught: a committed-offset fetch that failed (UNSTABLE_OFFSET_COMMIT while a crashed predecessor's transaction
    // is still open) escaped the poll loop and put the instance in Error instead of being retried.
    [Fact]
    public async Task A_committed_offset_fetch_refused_as_unstable_is_retried_and_the_instance_starts()
    {
        if (!_k.IsMock) return; // injected OffsetFetch errors
        _k.Mock.PushRequestErrors(9 /* OffsetFetch */, Enumerable.Repeat(88 /* UNSTABLE_OFFSET_COMMIT */, 40).ToArray());
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "unstable",
            _k.Options(guarantee: ProcessingGuarantee.ExactlyOnce) with { RequestTimeout = TimeSpan.FromSeconds(1) });
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(40));
        var customers = StreamTableJoinTests.Customers(10);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");
        Assert.Null(app.Error);
    }

    // Bug caught: commits went on every commit interval during rebalances, where the coordinator refuses them
    // (under exactly-once such a refusal aborts the transaction and rebuilds every task).
    [Fact]
    public async Task Commits_due_during_a_rebalance_are_skipped_not_sent_and_refused()
    {
        // The mock completes a rebalance session.timeout.ms − 1 s after it starts: 3 s here, about 30 commit intervals.
        var options = _k.Options() with { ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "4000", ["heartbeat.interval.ms"] = "200" } };
        var a = _k.App(Topologies.StreamTable(_orders, _customers, _output), "skip", options with { ApplicationServer = "a:1" });
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        var orders = StreamTableJoinTests.Orders(600, 40);
        var producing = Task.Run(async () =>
        {
            foreach (var batch in orders.Chunk(20))
            {
                _k.Produce(_orders, Serdes.String, Serdes.String, batch);
                await Task.Delay(50);
            }
        });
        var b = _k.App(Topologies.StreamTable(_orders, _customers, _output), "skip", options with { ApplicationServer = "b:2" });
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => b.ActiveTasks.Count > 0 && a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions
            && a.State == StreamsState.Running && b.State == StreamsState.Running, TimeSpan.FromSeconds(30), "b took a share");
        await producing;
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= customers.Count + orders.Count, TimeSpan.FromSeconds(30), "all processed");
        // What fails without the skip is the SkippedCommits check below (0 skipped in every run without it). The refusal
        // count does not separate the two on the mock: it refuses an offset commit only in the short window between a
        // member's JoinGroup and SyncGroup of each round, not while the rebalance waits, so refusals follow the number of
        // rounds, not the commit interval. Measured (one run each): with the skip 0, 1, 0, 0 here and 3 under heavy load;
        // without it 5, 6, 3, 3 (100 ms commits), 4 (8 s session), 2, 3 (20 ms commits). The bound only catches commits
        // sent throughout the rebalance rounds.
        _out.WriteLine($"refused commits: {a.RefusedCommits} + {b.RefusedCommits}, skipped: {a.SkippedCommits} + {b.SkippedCommits}");
        Assert.InRange(a.RefusedCommits + b.RefusedCommits, 0, 4);
        Assert.True(a.SkippedCommits > 0, "a skipped the commits due while the group rebalanced");
    }

    public void Dispose() => _k.Dispose();
}
