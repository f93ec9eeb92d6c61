using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

public sealed class GlobalAndFaultTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    [Fact]
    public async Task Every_instance_keeps_the_whole_global_table_and_the_global_join_equals_the_test_driver()
    {
        string orders = _k.Prefix + "orders", products = _k.Prefix + "products", output = _k.Prefix + "priced";
        _k.CreateTopic(orders, 4);
        _k.CreateTopic(products, 2);
        _k.CreateTopic(output, 4);
        var products0 = Enumerable.Range(0, 30).Select(i => ("p" + i, (string?)("price" + i), 100L + i)).ToList();
        _k.Produce(products, Serdes.String, Serdes.String, products0);
        var a = _k.App(Topologies.GlobalJoin(orders, products, output), "global", server: "a:1");
        var b = _k.App(Topologies.GlobalJoin(orders, products, output), "global", server: "b:2");
        await a.StartAsync();
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.ActiveTasks.Count > 0 && b.ActiveTasks.Count > 0, TimeSpan.FromSeconds(30), "both run tasks");

        // Updates after start reach every instance too.
        var products1 = Enumerable.Range(30, 10).Select(i => ("p" + i, (string?)("price" + i), 200L + i)).ToList();
        _k.Produce(products, Serdes.String, Serdes.String, products1);
        long Count(BraidKafkaApplication app) => ((IKeyValueStore<string, ValueAndTimestamp<string>>)app.GlobalStores!["products-store"]).ApproximateCount;
        await KafkaTestCluster.WaitUntilAsync(() => Count(a) == 40 && Count(b) == 40, TimeSpan.FromSeconds(20), "both global stores complete");

        var ord = Enumerable.Range(0, 200).Select(i => ("o" + i, (string?)("p" + (i % 45) + ":x" + i), 1000L + i)).ToList();
        _k.Produce(orders, Serdes.String, Serdes.String, ord);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= ord.Count, TimeSpan.FromSeconds(20), "orders");
        var expected = Topologies.Reference(Topologies.GlobalJoin(orders, products, output), output, (products, products0.Concat(products1)), (orders, ord));
        Assert.Equal(ord.Count(o => int.Parse(o.Item2!.Split(':')[0][1..]) < 40), expected.Count);
        // Processed is counted before the output is acknowledged: read once every join result has arrived.
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(output, Serdes.String, Serdes.String).Count >= expected.Count, TimeSpan.FromSeconds(30), "join output");
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(_k.ReadAll(output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task A_broker_going_down_and_up_delays_processing_but_loses_nothing()
    {
        if (!_k.IsMock) return; // fault injection needs the mock cluster
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", output = _k.Prefix + "enriched";
        foreach (var t in new[] { orders, customers, output }) _k.CreateTopic(t, 4);
        var app = _k.App(Topologies.StreamTable(orders, customers, output), "faults");
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var cust = StreamTableJoinTests.Customers(20);
        _k.Produce(customers, Serdes.String, Serdes.String, cust);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= cust.Count, TimeSpan.FromSeconds(20), "customers");

        var ord = StreamTableJoinTests.Orders(200, 20);
        _k.Produce(orders, Serdes.String, Serdes.String, ord.Take(100));
        _k.Mock.SetBrokerDown(1);
        var producing = Task.Run(() => _k.Produce(orders, Serdes.String, Serdes.String, ord.Skip(100)));
        await Task.Delay(1500);
        _k.Mock.SetBrokerUp(1);
        await producing;
        var expected = Topologies.Sorted(Topologies.Reference(Topologies.StreamTable(orders, customers, output), output, (customers, cust), (orders, ord)));
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(output, Serdes.String, Serdes.String).Count >= expected.Count, TimeSpan.FromSeconds(40), "all results");
        Assert.NotEqual(StreamsState.Error, app.State);
        Assert.Equal(expected.Distinct(), Topologies.Sorted(_k.ReadAll(output, Serdes.String, Serdes.String)).Distinct());
    }

    [Fact]
    public async Task Exactly_once_commits_transactions_and_the_output_equals_the_test_driver()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", output = _k.Prefix + "enriched";
        foreach (var t in new[] { orders, customers, output }) _k.CreateTopic(t, 4);
        var app = _k.App(Topologies.StreamTable(orders, customers, output), "eos", _k.Options(guarantee: ProcessingGuarantee.ExactlyOnce));
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var cust = StreamTableJoinTests.Customers(20);
        var ord = StreamTableJoinTests.Orders(200, 20);
        _k.Produce(customers, Serdes.String, Serdes.String, cust);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= cust.Count, TimeSpan.FromSeconds(20), "customers");
        _k.Produce(orders, Serdes.String, Serdes.String, ord);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= cust.Count + ord.Count, TimeSpan.FromSeconds(20), "orders");
        await app.CloseAsync();
        Assert.Equal(StreamsState.NotRunning, app.State);
        Assert.Equal(0, app.TaskRebuilds);
        var expected = Topologies.Reference(Topologies.StreamTable(orders, customers, output), output, (customers, cust), (orders, ord));
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(_k.ReadAll(output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task A_fenced_producer_closes_and_rebuilds_the_tasks_instead_of_continuing()
    {
        if (!_k.IsMock) return; // needs injected EndTxn errors
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", output = _k.Prefix + "enriched";
        foreach (var t in new[] { orders, customers, output }) _k.CreateTopic(t, 2);
        var app = _k.App(Topologies.StreamTable(orders, customers, output), "fenced", _k.Options(guarantee: ProcessingGuarantee.ExactlyOnce));
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var cust = StreamTableJoinTests.Customers(10);
        _k.Mock.PushRequestErrors(26 /* EndTxn */, 90 /* PRODUCER_FENCED */);
        _k.Produce(customers, Serdes.String, Serdes.String, cust);
        await KafkaTestCluster.WaitUntilAsync(() => app.TaskRebuilds > 0, TimeSpan.FromSeconds(20), "tasks rebuilt after fencing");
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Running, TimeSpan.FromSeconds(20), "running again");

        var ord = StreamTableJoinTests.Orders(60, 10);
        _k.Produce(orders, Serdes.String, Serdes.String, ord);
        var expected = Topologies.Sorted(Topologies.Reference(Topologies.StreamTable(orders, customers, output), output, (customers, cust), (orders, ord)));
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(output, Serdes.String, Serdes.String).Distinct().Count() >= expected.Distinct().Count(),
            TimeSpan.FromSeconds(30), "all results");
        // The mock neither hides aborted records nor stores transactional offsets, so repeats are visible here (not on a real cluster).
        Assert.Equal(expected.Distinct(), Topologies.Sorted(_k.ReadAll(output, Serdes.String, Serdes.String)).Distinct());
    }

    public void Dispose() => _k.Dispose();
}
