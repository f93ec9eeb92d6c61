using System.Diagnostics;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>
/// Lag-aware assignment's fallbacks and hand-overs on the mock cluster: when every caught-up copy of a task died, Kafka's
/// least-lag rule (the survivor with the least-lagging replica takes it, once the dead instances' announcements are older than
/// the group's session timeout), and the subscription changes the instances make themselves (warm-ups, balance) committing
/// everything they hand over, so an at-least-once count stays exact when nothing is killed.
/// </summary>
public sealed class LagAwareFailoverTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 6;
    private const string AppId = "lagfallback";
    private readonly KafkaTestCluster _k = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "braid-lagfallback-" + Guid.NewGuid().ToString("N")[..8]);
    private bool _created;
    private string Input => _k.Prefix + "clicks";
    private string Output => _k.Prefix + "counts";

    private BraidKafkaApplication App(string name, int standbys)
    {
        if (!_created)
        {
            foreach (var t in new[] { Input, Output }) _k.CreateTopic(t, Partitions);
            _created = true;
        }
        return _k.App(Topologies.Count(Input, Output), AppId, _k.Options(name + ":1") with
        {
            StateDirectory = Path.Combine(_root, name), NumStandbyReplicas = standbys, TaskAssignment = TaskAssignment.LagAware,
            AcceptableRecoveryLag = 50,
        });
    }

    private static List<(string, string?, long)> Clicks(int from, int n) =>
        Enumerable.Range(from, n).Select(i => ("u" + (i % 97), (string?)("click" + i), 1000L + i)).ToList();

    /// <summary>Every task runs once, with <paramref name="standbys"/> standbys on other instances, all read to the end, for 5 s.</summary>
    private static async Task WaitSettledAsync(IReadOnlyDictionary<string, BraidKafkaApplication> apps, int standbys, string what)
    {
        string last = "";
        var since = Stopwatch.StartNew();
        await KafkaTestCluster.WaitUntilAsync(() =>
        {
            var actives = apps.Values.SelectMany(a => a.ActiveTasks).ToList();
            bool settled = apps.Values.All(a => a.State == StreamsState.Running && a.StandbyLag == 0 && a.ActiveTasks.Count > 0)
                && actives.Count == Partitions && actives.Distinct().Count() == Partitions
                && actives.All(t => apps.Values.Count(a => a.StandbyTasks.Contains(t) && !a.ActiveTasks.Contains(t)) == standbys);
            string now = settled ? View(apps) : "";
            if (now != last) (last, since) = (now, Stopwatch.StartNew());
            return now != "" && since.Elapsed >= TimeSpan.FromSeconds(5);
        }, TimeSpan.FromSeconds(120), what);
    }

    private static string View(IEnumerable<KeyValuePair<string, BraidKafkaApplication>> apps) =>
        string.Join("  ", apps.Select(a => $"{a.Key}: active [{string.Join(",", a.Value.ActiveTasks)}] standby [{string.Join(",", a.Value.StandbyTasks)}]"));

    private static long MinStandbyLag(BraidKafkaApplication app)
    {
        var s = app.Standbys!;
        lock (s.QueryLock) return s.TaskLags().Select(l => l.Lag).DefaultIfEmpty(0).Min();
    }

    // Bugs caught: with every caught-up copy of a task dead, a survivor that keeps no copy asking beside one whose replica only
    // lags (the group then picks either: about half the time the cold one, which restores the whole store — the rule before
    // this session, after a fixed 4 s window), the lagging replica not asking at all (the task would never run again), a
    // restoring new owner not counted as holding the task (the other survivor would ask and could win it in the next
    // rebalance), and a click lost across the double kill.
    [Fact]
    public async Task When_every_caught_up_copy_died_the_task_goes_to_the_survivor_with_the_least_lagging_replica()
    {
        var apps = new Dictionary<string, BraidKafkaApplication>();
        foreach (var n in new[] { "a", "b", "c", "d" }) apps[n] = App(n, standbys: 2);
        foreach (var app in apps.Values) await app.StartAsync();
        var sent = Clicks(0, 600);
        _k.Produce(Input, Serdes.String, Serdes.String, sent);
        await WaitSettledAsync(apps, 2, "four instances settled with two caught-up standbys per task");
        // Pick a task and name the instances by their part in it: its active and one standby die, the other standby (P) is
        // held back so it lags, and Q keeps no copy of it.
        string task = apps.Values.SelectMany(a => a.ActiveTasks).Order(StringComparer.Ordinal).First();
        string v1 = apps.Single(kv => kv.Value.ActiveTasks.Contains(task)).Key;
        var standbyHosts = apps.Where(kv => kv.Value.StandbyTasks.Contains(task)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        string p = standbyHosts[0], v2 = standbyHosts[1];
        string q = apps.Keys.Single(n => n != v1 && n != p && n != v2);
        output.WriteLine($"{View(apps)}; task {task}: active {v1}, standbys {p} (held back) and {v2}, no copy on {q}");
        apps[p].Standbys!.Paused = true;
        // Enough clicks that every replica of P lags past the caught-up bound and its hysteresis (50 + 1,000 records).
        var more = Clicks(sent.Count, 18_000);
        _k.Produce(Input, Serdes.String, Serdes.String, more);
        sent.AddRange(more);
        await KafkaTestCluster.WaitUntilAsync(() => MinStandbyLag(apps[p]) > 1_100, TimeSpan.FromSeconds(90), $"{p}'s held-back replicas lag over 1,100 records");
        await Task.Delay(1500); // one announcement (every second) carries P's lags
        var victims = new[] { v1, v2 };
        var moving = victims.SelectMany(v => apps[v].ActiveTasks).ToList();
        // Q takes what it keeps a caught-up standby of; everything else only P has a copy of, lagging: Kafka's least-lag rule.
        var expected = moving.ToDictionary(t => t, t => apps[q].StandbyTasks.Contains(t) ? q : p);
        Assert.Contains(p, expected.Values); // at least the chosen task falls to the least-lag rule
        var killed = Stopwatch.StartNew();
        await Task.WhenAll(victims.Select(v => apps[v].KillAsync()));
        foreach (var v in victims) apps.Remove(v);
        await KafkaTestCluster.WaitUntilAsync(() => moving.All(t => apps.Values.Any(a => a.ActiveTasks.Contains(t))), TimeSpan.FromSeconds(60),
            "the dead instances' tasks run again");
        output.WriteLine($"taken over {killed.ElapsedMilliseconds} ms after the kills (session timeout 2 s): {View(apps)}");
        foreach (var (t, host) in expected)
            Assert.True(apps[host].ActiveTasks.Contains(t), $"task {t} went to {apps.First(kv => kv.Value.ActiveTasks.Contains(t)).Key}, not to {host} ({(host == p ? "the least-lagging replica" : "the caught-up standby")})");
        apps[p].Standbys!.Paused = false;
        var counts = sent.GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => (long)g.Count());
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadTable(Output, Serdes.String, Serdes.Int64) is var table
            && counts.All(kv => table.TryGetValue(kv.Key, out long n) && n >= kv.Value), TimeSpan.FromSeconds(60), "every click counted");
        Assert.All(apps.Values, a => Assert.Null(a.Error));
    }

    // Bugs caught: work handed over in a rebalance an instance starts itself (its standbys caught up, so it asks for their
    // tasks) without the old owner's offsets committed — the new owner's warm state counted it, and it counts it again — and a
    // warm-up that never changes a subscription (nothing would be tested). At-least-once, clicks flowing throughout, nothing
    // killed: the counts must come out exact, not merely complete. One instance hands over, so its revocation commit meets
    // a settled group; when two members revoke in one rebalance, the mock refuses the slower one's commit once the faster one
    // rejoined (it refuses commits while JOINING, which Kafka accepts: docs/kafka.md), and that re-count is the mock's.
    [Fact]
    public async Task Counts_stay_exact_across_the_subscription_changes_of_a_joining_instance()
    {
        var apps = new Dictionary<string, BraidKafkaApplication> { ["a"] = App("a", standbys: 1) };
        await apps["a"].StartAsync();
        var sent = new List<(string, string?, long)>();
        void Send(int n)
        {
            var c = Clicks(sent.Count, n);
            _k.Produce(Input, Serdes.String, Serdes.String, c);
            sent.AddRange(c);
        }
        Send(1_500);
        await WaitSettledAsync(apps, 0, "a runs every task");
        long changesBefore = apps.Values.Sum(a => a.SubscriptionChanges);
        var d = apps["d"] = App("d", standbys: 1);
        await d.StartAsync();
        // Clicks keep flowing while d warms up and the tasks move: 100 every 100 ms until d runs tasks and all settled.
        var flowing = Stopwatch.StartNew();
        string last = "";
        var stable = Stopwatch.StartNew();
        while (true)
        {
            Send(100);
            await Task.Delay(100);
            bool settled = apps.Values.All(a => a.State == StreamsState.Running && a.ActiveTasks.Count > 0)
                && apps.Values.SelectMany(a => a.ActiveTasks).Distinct().Count() == Partitions;
            string now = settled ? View(apps) : "";
            if (now != last) (last, stable) = (now, Stopwatch.StartNew());
            if (now != "" && stable.Elapsed >= TimeSpan.FromSeconds(5)) break;
            Assert.True(flowing.Elapsed < TimeSpan.FromSeconds(120), $"d never settled with tasks: {View(apps)}");
        }
        long changes = apps.Values.Sum(a => a.SubscriptionChanges) - changesBefore;
        output.WriteLine($"{View(apps)}; {sent.Count} clicks, {changes} subscription changes, d restored {d.RestoredRecords}");
        Assert.True(changes >= 1, "no instance changed its subscription: the hand-over path was not exercised");
        var counts = sent.GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => (long)g.Count());
        Dictionary<string, long> table = [];
        await KafkaTestCluster.WaitUntilAsync(() => (table = _k.ReadTable(Output, Serdes.String, Serdes.Int64)) is var t
            && counts.All(kv => t.TryGetValue(kv.Key, out long n) && n >= kv.Value), TimeSpan.FromSeconds(60), "every click counted");
        await Task.Delay(1000); // a re-count would show after the last commit
        table = _k.ReadTable(Output, Serdes.String, Serdes.Int64);
        var wrong = counts.Where(kv => table[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: {table[kv.Key]} for {kv.Value}").ToList();
        // A commit the mock refused (it refuses commits while the group is JOINING, which a real coordinator accepts in
        // PreparingRebalance: docs/kafka.md) re-counts work legally under at-least-once; on a loaded machine the
        // revocation commit can land in that window. Exactness is then not checkable on the mock: say so. With every
        // commit accepted, any re-count is the product's (the bug this test is for commits nothing: nothing refused).
        int refused = apps.Values.Sum(a => a.RefusedCommits);
        output.WriteLine($"commits refused by the coordinator: {refused}; keys over-counted: {wrong.Count}");
        if (refused > 0 && wrong.Count > 0)
        {
            output.WriteLine($"re-counts after {refused} refused commit(s), exactness not checkable on the mock: {string.Join(", ", wrong.Take(10))}");
            Assert.All(apps.Values, a => Assert.Null(a.Error));
            return;
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} keys counted twice across a hand-over with every commit accepted: {string.Join(", ", wrong.Take(10))}");
        Assert.All(apps.Values, a => Assert.Null(a.Error));
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
