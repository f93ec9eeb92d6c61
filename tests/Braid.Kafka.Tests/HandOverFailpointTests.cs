using Braid.Internal.Faults;
using Braid.Kafka.Internal;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

/// <summary>
/// Crashes aimed between the steps of a task changing hands (<see cref="HandOverFailpoints"/>): a standby claimed →
/// promoted → first commit as active; an active revoked → its checkpoint written; a standby checkpoint written → the
/// standby reads on. The instance where the failpoint fires dies there (an injected I/O error ends its thread or its
/// standby updater; then it is killed: nothing more is written) and restarts from its state directory; after a crash at a
/// standby step a second fail-over makes the restarted instance promote the standbys it resumed. A count per key shows lost work (a count
/// short: e.g. a checkpoint ahead of the state it describes) and, under exactly-once, doubled work.
/// </summary>
[Collection(SerialCollection.Name)] // arms process-wide failpoints
public sealed class HandOverFailpointTests : IDisposable
{
    private const int Partitions = 4;
    private const string AppId = "handover";
    private readonly KafkaTestCluster _k = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "braid-handover-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _input, _output;
    private int _produced;

    public HandOverFailpointTests()
    {
        _input = _k.Prefix + "clicks";
        _output = _k.Prefix + "counts";
        foreach (var t in new[] { _input, _output }) _k.CreateTopic(t, Partitions);
    }

    private BraidKafkaApplication App(string name, ProcessingGuarantee guarantee) =>
        _k.App(Topologies.Count(_input, _output), AppId, _k.Options(name + ":1", guarantee) with
        {
            StateDirectory = Path.Combine(_root, name), NumStandbyReplicas = 1,
        });

    private void Produce(int n)
    {
        _k.Produce(_input, Serdes.String, Serdes.String,
            Enumerable.Range(_produced, n).Select(i => ("u" + (i % 23), (string?)("click" + i), 1000L + i)).ToList());
        _produced += n;
    }

    private static bool Failed(BraidKafkaApplication app) => app.Error is not null || app.State == StreamsState.Error || app.Standbys?.Error is not null;

    private static bool Mirrored(BraidKafkaApplication a, BraidKafkaApplication b) =>
        a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions && a.ActiveTasks.Count > 0 && b.ActiveTasks.Count > 0
        && a.StandbyTasks.SequenceEqual(b.ActiveTasks) && b.StandbyTasks.SequenceEqual(a.ActiveTasks)
        && a.State == StreamsState.Running && b.State == StreamsState.Running && a.StandbyLag == 0 && b.StandbyLag == 0;

    // Waits until every key's count reached what was produced (a key short past the timeout is lost work), then returns
    // each key's surplus (re-counted clicks: allowed at-least-once, never under exactly-once).
    private async Task<Dictionary<string, long>> SurplusAsync(string phase)
    {
        var expected = _k.ReadAll(_input, Serdes.String, Serdes.String).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => (long)g.Count());
        Dictionary<string, long> actual = [];
        try
        {
            await KafkaTestCluster.WaitUntilAsync(() =>
            {
                actual = _k.ReadTable(_output, Serdes.String, Serdes.Int64);
                return expected.All(kv => actual.GetValueOrDefault(kv.Key) >= kv.Value);
            }, TimeSpan.FromSeconds(90), phase);
        }
        catch (TimeoutException)
        {
            var short_ = expected.Where(kv => actual.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => $"{kv.Key}: {actual.GetValueOrDefault(kv.Key)} of {kv.Value}");
            Assert.Fail($"{phase}: clicks lost — {string.Join(", ", short_)}");
        }
        return expected.ToDictionary(kv => kv.Key, kv => actual[kv.Key] - kv.Value);
    }

    // Bugs caught (a count short, or under exactly-once a count too high): a standby checkpoint recording a position its
    // state does not contain (written before the records were applied, or from the fetch position), a claimed standby whose
    // last applied records were not made durable before the active task opened the state, a promoted task that restores
    // from the wrong offset, a revocation that writes a checkpoint for state it did not commit (or offsets for state it did
    // not write), and a restarted instance resuming standbys from a checkpoint that does not match its stores.
    [Theory]
    [InlineData(HandOverFailpoints.StandbyClaimed, ProcessingGuarantee.AtLeastOnce)]
    [InlineData(HandOverFailpoints.PromotedBeforeFirstCommit, ProcessingGuarantee.AtLeastOnce)]
    [InlineData(HandOverFailpoints.RevokedBeforeCheckpoint, ProcessingGuarantee.AtLeastOnce)]
    [InlineData(HandOverFailpoints.StandbyCheckpointed, ProcessingGuarantee.AtLeastOnce)]
    [InlineData(HandOverFailpoints.StandbyClaimed, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(HandOverFailpoints.PromotedBeforeFirstCommit, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(HandOverFailpoints.RevokedBeforeCheckpoint, ProcessingGuarantee.ExactlyOnce)]
    [InlineData(HandOverFailpoints.StandbyCheckpointed, ProcessingGuarantee.ExactlyOnce)]
    public async Task A_crash_between_hand_over_steps_loses_nothing_and_under_exactly_once_counts_every_click_once(string failpoint,
        ProcessingGuarantee guarantee)
    {
        // The mock neither stores offsets sent to a transaction nor hides aborted records (docs/kafka.md, mock section):
        // exactly-once across a crash is checked on a real cluster only (BRAID_KAFKA_BOOTSTRAP).
        if (guarantee == ProcessingGuarantee.ExactlyOnce && _k.IsMock) return;
        var apps = new Dictionary<string, BraidKafkaApplication> { ["a"] = App("a", guarantee), ["b"] = App("b", guarantee) };
        foreach (var app in apps.Values) await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => Mirrored(apps["a"], apps["b"]), TimeSpan.FromSeconds(60), "a and b keep standbys of each other");
        Produce(400);
        await SurplusAsync("the first clicks counted");
        await KafkaTestCluster.WaitUntilAsync(() => Mirrored(apps["a"], apps["b"]) && apps["a"].StandbyRecords > 0 && apps["b"].StandbyRecords > 0,
            TimeSpan.FromSeconds(30), "standbys caught up");

        Failpoints.Arm(failpoint, FailpointAction.IoError);
        string victim;
        try
        {
            if (failpoint is HandOverFailpoints.StandbyClaimed or HandOverFailpoints.PromotedBeforeFirstCommit)
            {
                await apps["a"].KillAsync(); // b takes a's tasks over from its standbys: the failpoint fires in b
                apps.Remove("a");
            }
            else if (failpoint == HandOverFailpoints.RevokedBeforeCheckpoint)
            {
                apps["c"] = App("c", guarantee); // joining: a or b gives tasks up (revocation), c has none to revoke
                await apps["c"].StartAsync();
            }
            Produce(100);
            await KafkaTestCluster.WaitUntilAsync(() => apps.Values.Any(Failed), TimeSpan.FromSeconds(60), "the failpoint fires");
            victim = apps.Single(kv => Failed(kv.Value)).Key;
            var error = apps[victim].Error ?? apps[victim].Standbys?.Error;
            Assert.IsType<InjectedIOException>(error);
        }
        finally
        {
            Failpoints.Reset();
        }
        await apps[victim].KillAsync(); // the crash: nothing after the failpoint is written
        Produce(100);
        foreach (var name in new[] { "a", "b" }.Where(n => !apps.ContainsKey(n) || n == victim))
        {
            apps[name] = App(name, guarantee); // restarted from its state directory
            await apps[name].StartAsync();
        }
        var surplus = await SurplusAsync("counted after the restart");
        if (failpoint is HandOverFailpoints.StandbyClaimed or HandOverFailpoints.StandbyCheckpointed)
        {
            // A second fail-over onto the restarted victim: it promotes standbys resumed from the checkpoints the crash left.
            surplus = await FailOverOntoAsync(apps, victim);
        }
        if (guarantee == ProcessingGuarantee.ExactlyOnce) Assert.All(surplus, kv => Assert.Equal(0, kv.Value));
        else Assert.True(surplus.Values.Sum() <= _produced, $"re-counted {surplus.Values.Sum()} of {_produced} clicks");
        Assert.All(apps.Values, app => Assert.Null(app.Error));
    }

    private async Task<Dictionary<string, long>> FailOverOntoAsync(Dictionary<string, BraidKafkaApplication> apps, string victim)
    {
        string other = victim == "a" ? "b" : "a";
        await KafkaTestCluster.WaitUntilAsync(() => apps.Count == 2 ? Mirrored(apps[victim], apps[other])
            : apps[victim].State == StreamsState.Running && apps[victim].StandbyLag == 0, TimeSpan.FromSeconds(60), "the restarted victim keeps caught-up standbys");
        await apps[other].KillAsync();
        apps.Remove(other);
        Produce(100);
        return await SurplusAsync("counted after the second fail-over");
    }

    public void Dispose()
    {
        Failpoints.Reset();
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
