using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>Tasks whose stores are on disk (RocksDB state backend) restore only the changelog after their local checkpoint.</summary>
public sealed class LocalStateTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-kafka-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _orders, _customers, _output;

    public LocalStateTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, 4);
    }

    private BraidKafkaApplication App() =>
        _k.App(Topologies.StreamTable(_orders, _customers, _output), "local", _k.Options() with { StateDirectory = _dir });

    private async Task ProcessOrdersAndCheckAsync(BraidKafkaApplication app, List<(string, string?, long)> customers)
    {
        var orders = StreamTableJoinTests.Orders(120, customers.Count);
        long before = app.ProcessedRecords;
        _k.Produce(_orders, Serdes.String, Serdes.String, orders);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords - before >= orders.Count, TimeSpan.FromSeconds(20), "orders");
        var expected = Topologies.Reference(Topologies.StreamTable(_orders, _customers, _output), _output, (_customers, customers), (_orders, orders));
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(_k.ReadAll(_output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task A_restart_with_a_state_directory_restores_from_the_local_checkpoint_not_from_scratch()
    {
        var first = App();
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = StreamTableJoinTests.Customers(40);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers);
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= customers.Count, TimeSpan.FromSeconds(20), "customers");
        await first.CloseAsync();

        var second = App();
        await second.StartAsync();
        await second.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        Assert.Equal(0, second.RestoredRecords); // everything was already on disk up to the checkpoint
        Assert.Equal(0, second.ProcessedRecords); // and the customers were not re-read from their topic
        await ProcessOrdersAndCheckAsync(second, customers);
    }

    [Fact]
    public async Task After_a_crash_the_restart_replays_at_most_the_changelog_tail_written_since_the_last_commit()
    {
        var first = App();
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        var customers = StreamTableJoinTests.Customers(60);
        _k.Produce(_customers, Serdes.String, Serdes.String, customers.Take(40));
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= 40, TimeSpan.FromSeconds(20), "first customers");
        await Task.Delay(400); // several commit intervals: the first 40 are checkpointed on disk
        _k.Produce(_customers, Serdes.String, Serdes.String, customers.Skip(40));
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= 60, TimeSpan.FromSeconds(20), "last customers");
        await first.KillAsync();

        var second = App();
        await second.StartAsync();
        await second.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        Assert.InRange(second.RestoredRecords, 0, 20);
        await ProcessOrdersAndCheckAsync(second, customers);
    }

    public void Dispose()
    {
        _k.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory
        }
    }
}
