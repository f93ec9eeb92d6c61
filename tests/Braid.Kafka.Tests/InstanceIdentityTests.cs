using Braid.Kafka.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>The instance id (and so the transactional id) is stable across restarts; the transaction timeout follows Kafka Streams.</summary>
public sealed class InstanceIdentityTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-id-" + Guid.NewGuid().ToString("N")[..8]);

    private static KafkaStreamsOptions Eos(string? stateDirectory) => new()
    {
        BootstrapServers = "127.0.0.1:9", ProcessingGuarantee = ProcessingGuarantee.ExactlyOnce, StateDirectory = stateDirectory,
    };

    private static BraidKafkaApplication App(KafkaStreamsOptions options) =>
        new(Topologies.Count("in", "out"), new StreamsConfig { ApplicationId = "ids" }, options);

    private static string TransactionalId(BraidKafkaApplication app, KafkaStreamsOptions options) =>
        new KafkaClients(options, "ids", app.InstanceId, NullLogger.Instance).ProducerSettings(0)["transactional.id"];

    // Bug caught: a random transactional id per start, so a restarted instance never fences its predecessor.
    [Fact]
    public void A_restarted_instance_with_a_state_directory_keeps_its_instance_and_transactional_id()
    {
        var options = Eos(_dir);
        var first = App(options);
        var second = App(options);
        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.Equal(TransactionalId(first, options), TransactionalId(second, options));
        Assert.Equal("ids-" + first.InstanceId + "-0", TransactionalId(first, options));
        Assert.NotEqual(first.InstanceId, App(Eos(_dir + "-other")).InstanceId); // another directory is another instance
        Assert.Equal("a:1", App(options with { ApplicationServer = "a:1" }).InstanceId); // a configured endpoint wins
    }

    [Fact]
    public void A_damaged_instance_id_file_is_refused_with_its_path()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "ids"));
        File.WriteAllText(Path.Combine(_dir, "ids", InstanceIdentity.FileName), "\0\0garbage/");
        var e = Assert.Throws<StateStoreException>(() => App(Eos(_dir)));
        Assert.Contains(InstanceIdentity.FileName, e.Message);
    }

    // Bug caught: librdkafka's 60 s default, longer than the session timeout, so a crashed instance's open transaction
    // outlives its membership and blocks its successor's offset fetch.
    [Fact]
    public void Exactly_once_producers_use_Kafka_Streams_transaction_timeout_below_the_session_timeout()
    {
        var options = Eos(null);
        var settings = new KafkaClients(options, "ids", "x", NullLogger.Instance).ProducerSettings(0);
        Assert.Equal("10000", settings["transaction.timeout.ms"]);
        Assert.True(int.Parse(settings["transaction.timeout.ms"]) < 45_000); // librdkafka's default session.timeout.ms
        var e = Assert.Throws<ConfigException>(() => App(options with
        {
            CommitInterval = TimeSpan.FromSeconds(20), ClientSettings = new Dictionary<string, string> { ["transaction.timeout.ms"] = "10000" },
        }));
        Assert.Equal("transaction.timeout.ms", e.Key);
    }

    public void Dispose()
    {
        foreach (var d in new[] { _dir, _dir + "-other" })
        {
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
        }
    }
}
