using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>Output that cannot be delivered: handled once (production exception handler) or a clear stop, never an endless rebuild loop.</summary>
public sealed class ProductionErrorTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _orders, _customers, _output;

    public ProductionErrorTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    // Bug caught: a record the broker never accepts replaced the producer and rebuilt every task, then failed again, forever.
    [Fact]
    public async Task A_record_the_broker_refuses_for_good_stops_the_instance_with_an_error_naming_topic_partition_and_size()
    {
        if (!_k.IsMock) return; // injected Produce errors
        // A first run records the topology fingerprint, so the injected errors hit the task's writes, not that start-up write.
        var first = _k.App(Topologies.StreamTable(_orders, _customers, _output), "refused");
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        await first.CloseAsync();
        _k.Produce(_customers, Serdes.String, Serdes.String, StreamTableJoinTests.Customers(10));
        _k.Mock.PushRequestErrors(0 /* Produce */, Enumerable.Repeat(10 /* MESSAGE_TOO_LARGE */, 60).ToArray());
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "refused");
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(40), "the instance stops");
        Assert.Equal(0, app.TaskRebuilds);
        var e = Assert.IsAssignableFrom<StreamsException>(app.Error);
        Assert.Contains("the broker refused a record for topic '", e.Message);
        Assert.Contains("partition", e.Message);
        Assert.Contains("bytes of key and value", e.Message);
    }

    private List<(string, string?, long)> OrdersWithOneHuge() =>
        Enumerable.Range(0, 20).Select(i => ("c" + (i % 10), (string?)(i == 7 ? "o7-" + new string('x', 5000) : "o" + i), 5000L + i)).ToList();

    private KafkaStreamsOptions SmallMessages() => _k.Options() with
    {
        ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200", ["message.max.bytes"] = "4000" },
    };

    // Bug caught: an output the client refuses at once (over message.max.bytes) bypassing the production exception
    // handler, or failing without naming where.
    [Fact]
    public async Task An_output_over_message_max_bytes_fails_the_task_naming_the_source_record_by_default()
    {
        _k.Produce(_customers, Serdes.String, Serdes.String, StreamTableJoinTests.Customers(10));
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "too-big", SmallMessages());
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 10, TimeSpan.FromSeconds(20), "customers");
        _k.Produce(_orders, Serdes.String, Serdes.String, OrdersWithOneHuge());
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(30), "the task fails");
        var e = Assert.IsType<RecordProcessingException>(app.Error);
        Assert.Contains(_orders, e.Message); // the source record's topic (and partition/offset)
        Assert.Contains("refused a record for '" + _output + "'", e.InnerException!.Message);
        Assert.Equal(0, app.TaskRebuilds);
    }

    [Fact]
    public async Task With_log_and_continue_the_oversized_output_is_dropped_and_the_rest_flows()
    {
        _k.Produce(_customers, Serdes.String, Serdes.String, StreamTableJoinTests.Customers(10));
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "too-big-continue", SmallMessages(),
            configure: c => c with { ProductionExceptionHandler = ProductionExceptionHandler.LogAndContinue() });
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 10, TimeSpan.FromSeconds(20), "customers");
        _k.Produce(_orders, Serdes.String, Serdes.String, OrdersWithOneHuge());
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(_output, Serdes.String, Serdes.String).Count >= 19, TimeSpan.FromSeconds(30), "the other outputs");
        await Task.Delay(300);
        var outputs = _k.ReadAll(_output, Serdes.String, Serdes.String);
        Assert.Equal(19, outputs.Count);
        Assert.DoesNotContain(outputs, o => o.Value!.StartsWith("o7-", StringComparison.Ordinal));
        Assert.Null(app.Error);
    }

    public void Dispose() => _k.Dispose();
}
