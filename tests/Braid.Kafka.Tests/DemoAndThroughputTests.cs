using System.Diagnostics;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

public sealed class DemoAndThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    /// <summary>
    /// Stream–table join throughput on the mock cluster: after a restart (state restored from the changelog first), a
    /// burst of orders is produced and processed (timed from the first send to the last record processed). BRAID_KAFKA_THROUGHPUT_RECORDS sets the backlog size,
    /// BRAID_KAFKA_THROUGHPUT_THREADS the stream threads of the instance that processes it (default 1).
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

        int threads = int.TryParse(Environment.GetEnvironmentVariable("BRAID_KAFKA_THROUGHPUT_THREADS"), out var th) ? th : 1;
        var second = _k.App(Topologies.StreamTable(orders, customers, outTopic), "tput", _k.Options() with { StreamThreads = threads });
        await second.StartAsync();
        // Timed from a settled group (every thread runs its share of the tasks, customers restored), so the figure does
        // not include the rebalance that spreads tasks over threads.
        await KafkaTestCluster.WaitUntilAsync(() => second.State == StreamsState.Running && second.ActiveTasks.Count == 4
            && second.TasksPerThread.Count == threads && second.TasksPerThread.Values.All(t => t.Count > 0), TimeSpan.FromSeconds(30), "tasks spread over the threads");
        var sw = Stopwatch.StartNew();
        _k.Produce(orders, Serdes.String, Serdes.String, Enumerable.Range(0, n).Select(i => ("c" + (i % 100), (string?)("o" + i), 10_000L + i)));
        await KafkaTestCluster.WaitUntilAsync(() => second.ProcessedRecords >= n, TimeSpan.FromSeconds(120), "backlog processed");
        sw.Stop();
        await second.CloseAsync();
        Assert.True(second.RestoredRecords >= cust.Count, "the customers came back from the changelog, not from the source topic");
        Assert.Equal(n, _k.ReadAll(outTopic, Serdes.String, Serdes.String).Count);
        output.WriteLine($"stream-table join on the mock cluster, {threads} stream thread(s): {n} records in {sw.ElapsedMilliseconds} ms = {n / sw.Elapsed.TotalSeconds:0} records/s");
    }

    public void Dispose() => _k.Dispose();
}
