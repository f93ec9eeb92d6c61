using System.Diagnostics;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

public sealed class DemoAndThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    /// <summary>
    /// Stream–table join throughput on the mock cluster: a backlog of orders is processed after a restart
    /// (state restored from the changelog first). BRAID_KAFKA_THROUGHPUT_RECORDS sets the backlog size.
    /// </summary>
    [Fact]
    public async Task Stream_table_join_processes_a_backlog_and_reports_its_throughput()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("BRAID_KAFKA_THROUGHPUT_RECORDS"), out var x) ? x : 20_000;
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", outTopic = _k.Prefix + "enriched";
        foreach (var t in new[] { orders, customers, outTopic }) _k.CreateTopic(t, 4);
        var first = _k.App(Topologies.StreamTable(orders, customers, outTopic), "tput");
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var cust = StreamTableJoinTests.Customers(100);
        _k.Produce(customers, Serdes.String, Serdes.String, cust);
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= cust.Count, TimeSpan.FromSeconds(20), "customers");
        await first.CloseAsync();

        _k.Produce(orders, Serdes.String, Serdes.String, Enumerable.Range(0, n).Select(i => ("c" + (i % 100), (string?)("o" + i), 10_000L + i)));
        var second = _k.App(Topologies.StreamTable(orders, customers, outTopic), "tput");
        await second.StartAsync();
        await second.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var sw = Stopwatch.StartNew();
        await KafkaTestCluster.WaitUntilAsync(() => second.ProcessedRecords >= n, TimeSpan.FromSeconds(120), "backlog processed");
        sw.Stop();
        await second.CloseAsync();
        Assert.True(second.RestoredRecords >= cust.Count, "the customers came back from the changelog, not from the source topic");
        Assert.Equal(n, _k.ReadAll(outTopic, Serdes.String, Serdes.String).Count);
        output.WriteLine($"stream-table join on the mock cluster: {n} records in {sw.ElapsedMilliseconds} ms = {n / sw.Elapsed.TotalSeconds:0} records/s");
    }

    public void Dispose() => _k.Dispose();
}
