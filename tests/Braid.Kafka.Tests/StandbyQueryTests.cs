using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

/// <summary>
/// Queries answered by a standby replica with <see cref="StoreQueryParameters.EnableStaleStores"/>, and the lags
/// <see cref="BraidKafkaApplication.AllLocalStorePartitionLags"/> reports for them (Kafka Streams' allLocalStorePartitionLags):
/// a standby held behind answers from what it has applied and says how far behind it is; once it catches up it answers as
/// the active task does. One input partition, so one task: active on the first instance, standby on the second.
/// </summary>
public sealed class StandbyQueryTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "braid-standby-q-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _input, _output;

    public StandbyQueryTests()
    {
        _input = _k.Prefix + "clicks";
        _output = _k.Prefix + "counts";
        _k.CreateTopic(_input, 1);
        _k.CreateTopic(_output, 1);
    }

    private BraidKafkaApplication App(string name) =>
        _k.App(Topologies.Count(_input, _output), "standby-q", _k.Options(name + ":1") with
        {
            StateDirectory = Path.Combine(_root, name), NumStandbyReplicas = 1,
        });

    private static List<(string, string?, long)> Clicks(int from, int n, int keys) =>
        Enumerable.Range(from, n).Select(i => ("u" + (i % keys), (string?)("click" + i), 1000L + i)).ToList();

    private static long? Get(BraidKafkaApplication app, string key, bool stale) =>
        app.GetTimestampedKeyValueStore<string, long>("counts", new StoreQueryParameters { EnableStaleStores = stale }).TryGet(key, out var v) ? v.Value : null;

    private static LagInfo? CountsLag(BraidKafkaApplication app) =>
        app.AllLocalStorePartitionLags().TryGetValue("counts", out var ps) && ps.TryGetValue(0, out var lag) ? lag : null;

    // Bugs caught: standby stores not offered to stale queries (b throws instead of answering), a standby answering
    // non-stale queries (b answers without EnableStaleStores), lags missing a standby or reporting it caught up while it is
    // held back (lag 0 while paused), a lag that never returns to 0, an active task reported as lagging, and a standby
    // whose answer disagrees with the active task's once caught up.
    [Fact]
    public async Task A_standby_answers_stale_queries_with_its_lag_and_then_as_the_active_task_once_caught_up()
    {
        var a = App("a");
        await a.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Running && a.ActiveTasks.Count == 1, TimeSpan.FromSeconds(60), "a runs the task");
        var b = App("b");
        await b.StartAsync();
        _k.Produce(_input, Serdes.String, Serdes.String, Clicks(0, 300, 10)); // u0..u9: 30 clicks each
        await KafkaTestCluster.WaitUntilAsync(() => b.State == StreamsState.Running && b.StandbyTasks.SequenceEqual(["0_0"])
            && Get(a, "u0", stale: false) == 30 && CountsLag(b) is { OffsetLag: 0 } && Get(b, "u0", stale: true) == 30,
            TimeSpan.FromSeconds(60), "b's standby caught up with a's 300 updates");
        Assert.Equal(["0_0"], a.ActiveTasks);
        Assert.Empty(b.ActiveTasks);
        var aLag = CountsLag(a)!;
        Assert.Equal(0, aLag.OffsetLag); // a running active task is at the end
        Assert.True(aLag.EndOffsetPosition >= 300, $"a's changelog end {aLag.EndOffsetPosition}");
        Assert.Throws<StateStoreMigratedException>(() => Get(b, "u0", stale: false)); // a standby only answers stale queries

        b.Standbys!.Paused = true;
        var held = CountsLag(b)!;
        _k.Produce(_input, Serdes.String, Serdes.String, Clicks(0, 100, 1)); // u0 += 100
        await KafkaTestCluster.WaitUntilAsync(() => Get(a, "u0", stale: false) == 130 && CountsLag(b) is { OffsetLag: >= 100 },
            TimeSpan.FromSeconds(30), "a counted the new clicks; their changelog records are past b's standby");
        var behind = CountsLag(b)!;
        Assert.Equal(held.CurrentOffsetPosition, behind.CurrentOffsetPosition); // paused: read nothing more
        Assert.Equal(30, Get(b, "u0", stale: true)); // what the standby has applied, not the active value
        Assert.Equal(0, CountsLag(a)!.OffsetLag);

        b.Standbys.Paused = false;
        await KafkaTestCluster.WaitUntilAsync(() => CountsLag(b) is { OffsetLag: 0 }, TimeSpan.FromSeconds(30), "b's standby caught up again");
        var caughtUp = CountsLag(b)!;
        Assert.True(caughtUp.CurrentOffsetPosition >= behind.EndOffsetPosition, $"caught up at {caughtUp}, was behind at {behind}");
        Assert.Equal(130, Get(b, "u0", stale: true));
        var fromA = a.GetTimestampedKeyValueStore<string, long>("counts").All().ToList();
        var fromB = b.GetTimestampedKeyValueStore<string, long>("counts", new StoreQueryParameters { EnableStaleStores = true }).All().ToList();
        Assert.Equal(10, fromA.Count);
        Assert.Equal(fromA, fromB);
    }

    public void Dispose()
    {
        _k.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
