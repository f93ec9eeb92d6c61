using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

public sealed class MultiInstanceTests : IDisposable
{
    private const int Partitions = 4;
    private readonly KafkaTestCluster _k = new();
    private readonly string _orders, _customers, _output;

    public MultiInstanceTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    private async Task<(BraidKafkaApplication A, BraidKafkaApplication B)> StartTwoAsync()
    {
        var a = _k.App(Topologies.StreamTable(_orders, _customers, _output), "multi", server: "a:1");
        var b = _k.App(Topologies.StreamTable(_orders, _customers, _output), "multi", server: "b:2");
        await a.StartAsync();
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Running && b.State == StreamsState.Running
            && a.ActiveTasks.Count > 0 && b.ActiveTasks.Count > 0 && a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions,
            TimeSpan.FromSeconds(30), "both instances running with a share of the tasks");
        return (a, b);
    }

    private List<KeyValue<string?, string?>> Expected(List<(string, string?, long)> customers, List<(string, string?, long)> orders) =>
        Topologies.Reference(Topologies.StreamTable(_orders, _customers, _output), _output, (_customers, customers), (_orders, orders));

    [Fact]
    public async Task Two_instances_split_the_partitions_between_them()
    {
        var (a, b) = await StartTwoAsync();
        Assert.Empty(a.ActiveTasks.Intersect(b.ActiveTasks));
        Assert.Equal(Enumerable.Range(0, Partitions).Select(p => "0_" + p), a.ActiveTasks.Concat(b.ActiveTasks).Order());

        var customers = StreamTableJoinTests.Customers(40);
        var orders = StreamTableJoinTests.Orders(200, 40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= customers.Count + orders.Count, TimeSpan.FromSeconds(20), "orders");
        Assert.True(a.ProcessedRecords > 0 && b.ProcessedRecords > 0, "both instances processed records");
        Assert.Equal(Topologies.Sorted(Expected(customers, orders)), Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task A_stopped_instance_hands_its_tasks_over_and_the_survivor_restores_their_state_from_the_changelogs()
    {
        var (a, b) = await StartTwoAsync();
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");
        var movedTasks = a.ActiveTasks.ToList();

        await a.CloseAsync();
        Assert.Equal(StreamsState.NotRunning, a.State);
        await KafkaTestCluster.WaitUntilAsync(() => b.ActiveTasks.Count == Partitions && b.State == StreamsState.Running, TimeSpan.FromSeconds(30), "b runs every task");
        Assert.True(b.RestoredRecords > 0, "b restored the customers of a's tasks from their changelog");

        var orders = StreamTableJoinTests.Orders(200, 40);
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        // Wait on the output, not on processed counts: b may legitimately re-read customers a commit did not cover.
        var expected = Topologies.Sorted(Expected(customers, orders));
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(_output, Serdes.String, Serdes.String).Count >= expected.Count, TimeSpan.FromSeconds(30), "all join results");
        Assert.NotEmpty(movedTasks);
        Assert.Equal(expected, Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task A_killed_instance_loses_its_tasks_to_the_other_which_restores_them_and_the_final_table_equals_a_from_scratch_run()
    {
        var (a, b) = await StartTwoAsync();
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");
        await Task.Delay(300); // a few commit intervals, so the changelog writes are flushed

        await a.KillAsync();
        await KafkaTestCluster.WaitUntilAsync(() => b.ActiveTasks.Count == Partitions && b.State == StreamsState.Running, TimeSpan.FromSeconds(30), "b runs every task");
        Assert.True(b.RestoredRecords > 0, "b restored a's tasks from their changelog");

        var orders = StreamTableJoinTests.Orders(200, 40);
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        var expected = Expected(customers, orders);
        // At-least-once after a crash: a record may be processed twice, so compare the distinct outputs.
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(_output, Serdes.String, Serdes.String).Distinct().Count() >= expected.Distinct().Count(),
            TimeSpan.FromSeconds(30), "all join results");
        Assert.Equal(Topologies.Sorted(expected).Distinct(), Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)).Distinct());
    }

    [Fact]
    public async Task A_rebalance_while_records_flow_loses_no_result()
    {
        var a = _k.App(Topologies.StreamTable(_orders, _customers, _output), "multi", server: "a:1");
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");

        var orders = StreamTableJoinTests.Orders(400, 40);
        var producing = Task.Run(async () =>
        {
            foreach (var batch in orders.Chunk(40))
            {
                _k.Produce(_orders, Serdes.String, Serdes.String, batch);
                await Task.Delay(150);
            }
        });
        var b = _k.App(Topologies.StreamTable(_orders, _customers, _output), "multi", server: "b:2");
        await b.StartAsync();
        await producing;
        await KafkaTestCluster.WaitUntilAsync(() => b.ActiveTasks.Count > 0 && a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions,
            TimeSpan.FromSeconds(30), "b took a share");
        var expected = Topologies.Sorted(Expected(customers, orders));
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(_output, Serdes.String, Serdes.String).Count >= expected.Count,
            TimeSpan.FromSeconds(30), "all join results");
        Assert.Equal(expected.Distinct(), Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)).Distinct());
    }

    [Fact]
    public async Task Instance_metadata_tells_every_instance_which_host_holds_a_key()
    {
        var (a, b) = await StartTwoAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.AllMetadata().Count == 2 && b.AllMetadata().Count == 2
            && a.AllMetadata().SelectMany(m => m.Tasks).Count() == Partitions && b.AllMetadata().SelectMany(m => m.Tasks).Count() == Partitions,
            TimeSpan.FromSeconds(20), "both instances see both announcements");
        for (int i = 0; i < 20; i++)
        {
            var fromA = a.QueryMetadataForKey("customers-store", "c" + i, Serdes.String);
            var fromB = b.QueryMetadataForKey("customers-store", "c" + i, Serdes.String);
            Assert.Equal(fromA, fromB);
            var owner = fromA.ActiveHost == "a:1" ? a : b;
            Assert.Contains(fromA.Task, owner.ActiveTasks);
            Assert.Equal(Braid.Internal.Partitioning.Murmur2Partitioner.Partition(Serdes.String.Serialize("c" + i), Partitions), fromA.Partition);
        }
    }

    public void Dispose() => _k.Dispose();
}
