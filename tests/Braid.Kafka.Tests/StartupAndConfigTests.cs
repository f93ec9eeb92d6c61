using System.Diagnostics;
using Braid.Serialization;
using Braid.State;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

public sealed class StartupAndConfigTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    [Theory]
    [InlineData("BootstrapServers")]
    [InlineData("group.id")]
    [InlineData("CommitInterval")]
    [InlineData("ApplicationServer")]
    [InlineData("RequestTimeout")]
    [InlineData("ApplicationId")]
    public void A_bad_setting_is_rejected_with_an_error_naming_its_key(string key)
    {
        var good = _k.Options();
        var (options, appId) = key switch
        {
            "BootstrapServers" => (good with { BootstrapServers = "" }, "app"),
            "group.id" => (good with { ClientSettings = new Dictionary<string, string> { ["group.id"] = "mine" } }, "app"),
            "CommitInterval" => (good with { CommitInterval = TimeSpan.Zero }, "app"),
            "ApplicationServer" => (good with { ApplicationServer = "no-port" }, "app"),
            "RequestTimeout" => (good with { RequestTimeout = TimeSpan.FromSeconds(-1) }, "app"),
            _ => (good, "bad id!"),
        };
        var topology = Topologies.StreamTable("o", "c", "out");
        var e = Assert.Throws<ConfigException>(() => new BraidKafkaApplication(topology, new StreamsConfig { ApplicationId = appId }, options));
        Assert.Equal(key, e.Key);
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_start_up_within_the_request_timeout()
    {
        var options = new KafkaStreamsOptions { BootstrapServers = "127.0.0.1:1", RequestTimeout = TimeSpan.FromSeconds(2) };
        var app = new BraidKafkaApplication(Topologies.StreamTable("o", "c", "out"), new StreamsConfig { ApplicationId = "unreachable" }, options);
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<KafkaUnavailableException>(() => app.StartAsync());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"start-up gave up after {sw.Elapsed}");
        Assert.Contains("no broker answered", e.Message);
        Assert.Equal(StreamsState.Created, app.State);
    }

    [Fact]
    public async Task Close_with_a_fired_token_stops_waiting_while_the_instance_still_closes()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", output = _k.Prefix + "out";
        _k.CreateTopic(orders, 1);
        _k.CreateTopic(customers, 1);
        _k.CreateTopic(output, 1);
        var app = _k.App(Topologies.StreamTable(orders, customers, output), "cancel-close");
        await app.StartAsync();
        using var fired = new CancellationTokenSource();
        await fired.CancelAsync();
        // The wait is cancelled at once (a host's shutdown timeout has passed), as the embedded runtime's; the instance goes on closing.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.CloseAsync(fired.Token).WaitAsync(TimeSpan.FromSeconds(30)));
        var sw = Stopwatch.StartNew();
        while (app.State != StreamsState.NotRunning && sw.Elapsed < TimeSpan.FromSeconds(90)) await Task.Delay(50);
        Assert.Equal(StreamsState.NotRunning, app.State);
    }

    [Fact]
    public async Task A_missing_source_topic_is_a_clear_error()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers";
        _k.CreateTopic(orders, 2);
        var app = _k.App(Topologies.StreamTable(orders, customers, _k.Prefix + "out"), "missing");
        var e = await Assert.ThrowsAsync<UnknownTopicException>(() => app.StartAsync());
        Assert.Equal(customers, e.Topic);
    }

    [Fact]
    public async Task Joined_topics_with_different_partition_counts_fail_the_co_partitioning_check()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers";
        _k.CreateTopic(orders, 4);
        _k.CreateTopic(customers, 2);
        var app = _k.App(Topologies.StreamTable(orders, customers, _k.Prefix + "out"), "copart");
        var e = await Assert.ThrowsAsync<TopologyException>(() => app.StartAsync());
        Assert.Contains("co-partitioning", e.Message);
        Assert.Contains($"'{orders}' has 4", e.Message);
        Assert.Contains($"'{customers}' has 2", e.Message);
    }

    [Fact]
    public async Task Internal_topics_are_created_with_Kafka_Streams_names_and_the_changelog_holds_the_store()
    {
        string input = _k.Prefix + "words", output = _k.Prefix + "counts-out";
        _k.CreateTopic(input, 3);
        _k.CreateTopic(output, 3);
        var app = _k.App(Topologies.RekeyCount(input, output), "names");
        string appId = _k.Prefix + "names";
        var description = app.Describe();
        string repartition = description.Subtopologies.SelectMany(s => s.Nodes).Where(n => n.Kind == "Sink").SelectMany(n => n.Topics)
            .Single(t => t.EndsWith("-repartition", StringComparison.Ordinal));
        Assert.StartsWith(appId + "-KSTREAM-", repartition);
        Assert.Contains(repartition, description.ToString());

        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _k.BootstrapServers }).Build();
        var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        Assert.Equal(3, topics[repartition]);
        Assert.Equal(3, topics[appId + "-counts-changelog"]);

        var records = Enumerable.Range(0, 50).Select(i => ("l" + i, (string?)("w" + (i % 5)), 1000L + i)).ToList();
        _k.Produce(input, Serdes.String, Serdes.String, records);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 100, TimeSpan.FromSeconds(20), "counted");
        await app.CloseAsync();
        var changelog = _k.ReadTable(appId + "-counts-changelog", Serdes.String, new Braid.Serialization.ValueAndTimestampSerde<long>(Serdes.Int64));
        Assert.Equal(Enumerable.Range(0, 5).ToDictionary(i => "w" + i, _ => 10L), changelog.ToDictionary(kv => kv.Key, kv => kv.Value.Value));
    }

    [Fact]
    public async Task The_state_listener_sees_created_rebalancing_running_pending_shutdown_not_running()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers";
        _k.CreateTopic(orders, 2);
        _k.CreateTopic(customers, 2);
        var app = _k.App(Topologies.StreamTable(orders, customers, _k.Prefix + "out"), "states");
        var transitions = new List<(StreamsState Old, StreamsState New)>();
        app.StateChanged += (_, change) => { lock (transitions) transitions.Add((change.OldState, change.NewState)); };
        Assert.Equal(StreamsState.Created, app.State);
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        await app.CloseAsync();
        await app.WaitForStateAsync(StreamsState.NotRunning, TimeSpan.FromSeconds(5));
        lock (transitions)
        {
            Assert.Equal((StreamsState.Created, StreamsState.Rebalancing), transitions[0]);
            Assert.Contains((StreamsState.Rebalancing, StreamsState.Running), transitions);
            Assert.Equal((StreamsState.PendingShutdown, StreamsState.NotRunning), transitions[^1]);
            Assert.Equal(StreamsState.PendingShutdown, transitions[^2].New);
        }
    }

    [Fact]
    public async Task Consumer_lag_is_reported_and_drops_to_zero_once_input_is_processed()
    {
        string input = _k.Prefix + "words", output = _k.Prefix + "counts-out";
        _k.CreateTopic(input, 2);
        _k.CreateTopic(output, 2);
        var records = Enumerable.Range(0, 300).Select(i => ("l" + i, (string?)("w" + (i % 5)), 1000L + i)).ToList();
        _k.Produce(input, Serdes.String, Serdes.String, records);
        var lags = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (inst, l) => { if (inst.Name == "braid.kafka.consumer.lag") l.EnableMeasurementEvents(inst); };
        string appId = _k.Prefix + "lag"; // other tests' applications report the same gauge meanwhile
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "application.id" && Equals(tag.Value, appId))
                {
                    lock (lags) lags.Add(value);
                }
            }
        });
        listener.Start();
        var app = _k.App(Topologies.RekeyCount(input, output), "lag");
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 600, TimeSpan.FromSeconds(20), "processed");
        await KafkaTestCluster.WaitUntilAsync(() => app.ConsumerLag == 0, TimeSpan.FromSeconds(10), "lag back to zero");
        listener.RecordObservableInstruments();
        lock (lags) Assert.Contains(0L, lags);
    }

    public void Dispose() => _k.Dispose();
}
