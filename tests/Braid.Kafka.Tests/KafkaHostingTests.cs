using Braid.Serialization;
using Braid.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Braid.Kafka.Tests;

public sealed class KafkaHostingTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void AddBraidKafka_binds_Streams_and_Kafka_sections_with_nested_client_settings()
    {
        var c = Config(new()
        {
            ["Streams:ApplicationId"] = "orders-app",
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
            ["Kafka:ProcessingGuarantee"] = "ExactlyOnce",
            ["Kafka:CommitInterval"] = "00:00:00.250",
            ["Kafka:ClientSettings:session.timeout.ms"] = "6000",
        });
        var streams = KafkaServiceCollectionExtensions.BindStreams(c, null);
        var kafka = KafkaServiceCollectionExtensions.BindKafka(c, k => k with { ApplicationServer = "127.0.0.1:8080" });
        Assert.Equal("orders-app", streams.ApplicationId);
        Assert.Equal("127.0.0.1:9092", kafka.BootstrapServers);
        Assert.Equal(ProcessingGuarantee.ExactlyOnce, kafka.ProcessingGuarantee);
        Assert.Equal(TimeSpan.FromMilliseconds(250), kafka.CommitInterval);
        Assert.Equal("6000", kafka.ClientSettings["session.timeout.ms"]);
        Assert.Equal("127.0.0.1:8080", kafka.ApplicationServer);
    }

    [Theory]
    [InlineData("Kafka:BootstrapServer", "127.0.0.1:9092")] // a typo of BootstrapServers
    [InlineData("Streams:ApplicationID2", "x")]
    [InlineData("Kafak:BootstrapServers", "127.0.0.1:9092")] // an unknown section
    public void AddBraidKafka_refuses_a_key_that_names_no_option(string key, string value)
    {
        var c = Config(new() { ["Streams:ApplicationId"] = "a", ["Kafka:BootstrapServers"] = "127.0.0.1:9092", [key] = value });
        Assert.Throws<InvalidOperationException>(() =>
        {
            KafkaServiceCollectionExtensions.BindStreams(c, null);
            KafkaServiceCollectionExtensions.BindKafka(c, null);
        });
    }

    [Fact]
    public void AddBraidKafka_validates_bound_values_naming_the_key()
    {
        var c = Config(new() { ["Streams:ApplicationId"] = "a", ["Kafka:BootstrapServers"] = "no-port" });
        Assert.Equal("BootstrapServers", Assert.Throws<ConfigException>(() => KafkaServiceCollectionExtensions.BindKafka(c, null)).Key);
    }

    [Fact]
    public async Task The_hosted_service_starts_with_the_host_serves_queries_and_closes_on_shutdown()
    {
        string input = _k.Prefix + "clicks";
        _k.CreateTopic(input, 2);
        var builder = Host.CreateApplicationBuilder();
        var section = Config(new()
        {
            ["Streams:ApplicationId"] = _k.Prefix + "hosted",
            ["Kafka:BootstrapServers"] = _k.BootstrapServers,
            ["Kafka:CommitInterval"] = "00:00:00.100",
            ["Kafka:ClientSettings:session.timeout.ms"] = "2000",
            ["Kafka:ClientSettings:heartbeat.interval.ms"] = "200",
        });
        builder.Services.AddSingleton<Func<KafkaStreamsOptions, Braid.Kafka.Internal.ITopicAdmin>>(_k.Admin);
        builder.Services.AddBraidKafka(_ => KafkaQueryTests.BuildCounts(input), section);
        using var host = builder.Build();
        await host.StartAsync();
        var app = host.Services.GetRequiredService<BraidKafkaApplication>();
        Assert.Same(app, host.Services.GetRequiredService<IQueryableStores>());
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(60));
        _k.Produce(input, Serdes.String, Serdes.String, [("u1", "x", 1L), ("u1", "x", 2L)]);
        await KafkaTestCluster.WaitUntilAsync(() => KafkaQueryTests.Local(app, "u1") == 2, TimeSpan.FromSeconds(30), "u1 counted twice");
        await host.StopAsync();
        Assert.Equal(StreamsState.NotRunning, app.State);
    }

    [Fact]
    public async Task Start_honours_the_hosts_cancellation_token()
    {
        var app = new BraidKafkaApplication(KafkaQueryTests.BuildCounts("never-created"), new StreamsConfig { ApplicationId = "cancelled" },
            new KafkaStreamsOptions { BootstrapServers = "127.0.0.1:1" });
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.StartAsync(cts.Token));
        Assert.Equal(StreamsState.Created, app.State);
    }

    public void Dispose() => _k.Dispose();
}
