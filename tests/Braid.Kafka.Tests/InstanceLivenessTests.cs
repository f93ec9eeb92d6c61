namespace Braid.Kafka.Tests;

/// <summary>Instance announcements have liveness: repeated every heartbeat, ignored after three missed ones.</summary>
public sealed class InstanceLivenessTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _orders, _customers, _output;

    public InstanceLivenessTests()
    {
        _orders = _k.Prefix + "orders";
        _customers = _k.Prefix + "customers";
        _output = _k.Prefix + "enriched";
        foreach (var t in new[] { _orders, _customers, _output }) _k.CreateTopic(t, Partitions);
    }

    private BraidKafkaApplication App(string server)
    {
        var app = _k.App(Topologies.StreamTable(_orders, _customers, _output), "live", server: server);
        app.AnnouncementHeartbeat = TimeSpan.FromSeconds(1);
        return app;
    }

    private static bool Sees(BraidKafkaApplication app, string host) => app.AllMetadata().Any(m => m.Host == host);

    // Bug caught: a crashed instance writes no tombstone, so its announcement stayed on the compacted topic and
    // AllMetadata (and HostOf, for tasks nobody had claimed yet) named it forever.
    [Fact]
    public async Task A_crashed_instance_leaves_the_metadata_after_three_missed_heartbeats_while_a_live_one_stays()
    {
        var a = App("a:1");
        var b = App("b:2");
        await a.StartAsync();
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => Sees(a, "b:2") && b.ActiveTasks.Count > 0, TimeSpan.FromSeconds(60), "a sees b running tasks");

        await Task.Delay(TimeSpan.FromSeconds(4)); // more than three heartbeats: b keeps announcing itself
        Assert.True(Sees(a, "b:2"), "a live instance stays in the metadata");

        await b.KillAsync();
        await KafkaTestCluster.WaitUntilAsync(() => !Sees(a, "b:2"), TimeSpan.FromSeconds(30), "the crashed instance left a's metadata");
        Assert.True(Sees(a, "a:1"));
    }

    public void Dispose() => _k.Dispose();
}
