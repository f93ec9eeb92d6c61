using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>
/// Warm-up replicas on the mock cluster (lag-aware assignment without standbys, so every move for balance goes through a
/// warm-up): a joining instance takes a task only after its warm-up replica caught up, never more warm-ups than the cap
/// run at once across the group, the moved task restores almost nothing, the warm-ups are dropped once balance is reached,
/// and every click is counted exactly.
/// </summary>
public sealed class WarmupReplicaTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 6;
    private const string AppId = "warmup";
    private readonly KafkaTestCluster _k = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "braid-warmup-" + Guid.NewGuid().ToString("N")[..8]);
    private string Input => _k.Prefix + "clicks";
    private string Output => _k.Prefix + "counts";

    private BraidKafkaApplication App(string name, int maxWarmups) => _k.App(Topologies.Count(Input, Output), AppId, _k.Options(name + ":1") with
    {
        StateDirectory = Path.Combine(_root, name), NumStandbyReplicas = 0, TaskAssignment = TaskAssignment.LagAware,
        AcceptableRecoveryLag = 50, MaxWarmupReplicas = maxWarmups,
    });

    private static List<(string, string?, long)> Clicks(int from, int n) =>
        Enumerable.Range(from, n).Select(i => ("u" + (i % 97), (string?)("click" + i), 1000L + i)).ToList();

    private static string View(IEnumerable<KeyValuePair<string, BraidKafkaApplication>> apps) =>
        string.Join("  ", apps.Select(a => $"{a.Key}: active [{string.Join(",", a.Value.ActiveTasks)}] warm-up [{string.Join(",", a.Value.WarmupTasks)}]"));

    // Bugs caught: a joining instance given a task before a warm-up of it caught up (without warm-ups it gets none at all, as
    // no copy of a task is anywhere but on its active), more warm-ups at once than MaxWarmupReplicas beyond the moment two
    // views disagree (no cap in the plan, or an instance opening one while another's is still announced; y alone must hold
    // exactly one while paused), a warm-up kept once the plan no longer wants it (y's, when
    // x joins: x could then never open one, and balance is never reached), warm-ups left after balance, a moved task that
    // restores its changelog (~500 records) instead of the tail, and a click lost or counted twice across the moves.
    [Fact]
    public async Task Joining_instances_take_tasks_only_through_caught_up_warm_ups_within_the_cap_and_drop_those_no_longer_needed()
    {
        const int cap = 1;
        _k.CreateTopic(Input, Partitions);
        _k.CreateTopic(Output, Partitions);
        var apps = new Dictionary<string, BraidKafkaApplication> { ["a"] = App("a", cap) };
        var a = apps["a"];
        await a.StartAsync();
        var sent = Clicks(0, 3000); // ~500 changelog records per task
        _k.Produce(Input, Serdes.String, Serdes.String, sent);
        // Counted and quiet (no refused commit for three seconds), so every offset of the batch is committed before the moves:
        // the mock refuses commits while the group is JOINING, and a revoked task whose commit was refused is counted again by
        // its new owner — legal at-least-once, not what this test is about ("At-least-once re-counts" in docs/kafka.md).
        await WaitStableAsync(() => a.ProcessedRecords >= sent.Count && a.ActiveTasks.Count == Partitions ? $"{a.RefusedCommits}" : "", "a counts every click");

        var warmedUp = new Dictionary<string, HashSet<string>>(); // per instance: warm-ups seen caught up (lag ≤ the bound)
        var takenCold = new List<string>();
        int maxWarming = 0;
        // Over the cap: an episode starts at the first sample above it and ends at the first at or below. Two instances whose
        // views disagree for a moment can both open a warm-up in the same instant (ReplicaTargets: views disagree until the
        // next announcement); the cap promise is that such an excess ends with that announcement, not that it never happens.
        TimeSpan longestOverCap = TimeSpan.Zero, overSince = TimeSpan.Zero;
        bool over = false;
        var timeline = new List<string>(); // the views as they changed (printed: which move went through which warm-up)
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = apps.ToList();
                string view = View(now) + "  lag " + string.Join(",", now.Select(kv => kv.Value.StandbyLag));
                if (timeline.Count == 0 || !timeline[^1].EndsWith(view, StringComparison.Ordinal)) timeline.Add($"{clock.ElapsedMilliseconds,6} ms  {view}");
                int warming = now.Sum(kv => kv.Value.WarmupTasks.Count);
                maxWarming = Math.Max(maxWarming, warming);
                if (warming > cap && !over) (over, overSince) = (true, clock.Elapsed);
                if (over) longestOverCap = TimeSpan.FromTicks(Math.Max(longestOverCap.Ticks, (clock.Elapsed - overSince).Ticks));
                if (warming <= cap) over = false;
                foreach (var (name, app) in now.Where(kv => kv.Key != "a"))
                {
                    var seen = warmedUp.TryGetValue(name, out var s) ? s : warmedUp[name] = new HashSet<string>();
                    if (app.StandbyLag <= 50 && app.StandbyRecords > 0) seen.UnionWith(app.WarmupTasks); // lag 0 before its first read
                    takenCold.AddRange(app.ActiveTasks.Where(t => !seen.Contains(t)).Select(t => name + ":" + t).Except(takenCold).ToList());
                }
                await Task.Delay(20);
            }
        });

        // y joins with its replicas held back: it warms up one task (the cap) and, lagging, takes none.
        var y = apps["y"] = App("y", cap);
        y.StandbysPausedAtStart = true;
        await y.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => y.WarmupTasks.Count == 1, TimeSpan.FromSeconds(30), "y warms up a task");
        string dropped = y.WarmupTasks[0];
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(y.ActiveTasks);
        Assert.Equal([dropped], y.WarmupTasks);

        // x joins: every instance's plan now moves a task to x first (the least-loaded, by name), so y drops its warm-up and x
        // warms up one and takes it; the next move goes to y, whose warm-up lags until it is let go.
        var x = apps["x"] = App("x", cap);
        await x.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => !y.WarmupTasks.Contains(dropped) && x.ActiveTasks.Count >= 1, TimeSpan.FromSeconds(60),
            $"y dropped its warm-up of {dropped} and x took a task (now {View(apps)})");
        output.WriteLine($"after x joined: {View(apps)}");
        Assert.Empty(y.ActiveTasks);
        y.Standbys!.Paused = false;

        await WaitStableAsync(() => apps.Values.All(p => p.State == StreamsState.Running && p.ActiveTasks.Count == 2 && p.WarmupTasks.Count == 0)
            && apps.Values.SelectMany(p => p.ActiveTasks).Distinct().Count() == Partitions ? View(apps) : "", "x and y took two tasks each, warm-ups dropped");
        await stop.CancelAsync();
        await sampler;
        foreach (var line in timeline) output.WriteLine(line);
        output.WriteLine($"{View(apps)}; restored x={x.RestoredRecords} y={y.RestoredRecords}; applied to warm-ups x={x.StandbyRecords} y={y.StandbyRecords}; "
            + $"max warm-ups at once {maxWarming}, longest over the cap {longestOverCap.TotalMilliseconds:F0} ms; refused commits {apps.Values.Sum(p => p.RefusedCommits)}");
        Assert.Empty(takenCold);
        Assert.True(maxWarming >= 1, "no warm-up was ever seen");
        // Kept over the cap past an announcement round (the directory's heartbeat, 10 s; in mock runs an excess lasted < 20 ms)
        // would be a cap not enforced: an instance opening warm-ups while the others' are announced.
        Assert.True(maxWarming <= cap + 1 && longestOverCap < Braid.Kafka.Internal.InstanceDirectory.DefaultHeartbeat,
            $"{maxWarming} warm-ups at once (cap {cap}), over the cap for {longestOverCap.TotalMilliseconds:F0} ms at most");
        // The changelogs hold ~300–700 records per task: each of x and y restored two tasks in its warm-ups, none on the move.
        Assert.True(x.StandbyRecords >= 2 * 250 && y.StandbyRecords >= 2 * 250, $"warm-ups applied only x={x.StandbyRecords}, y={y.StandbyRecords} records");
        Assert.True(x.RestoredRecords + y.RestoredRecords <= 4 * 50, $"restored x={x.RestoredRecords} y={y.RestoredRecords} records on the moves: tasks taken cold");
        Assert.All(apps.Values, p => Assert.Empty(p.StandbyTasks)); // no standbys configured: every warm-up is gone

        var more = Clicks(sent.Count, 600);
        _k.Produce(Input, Serdes.String, Serdes.String, more);
        sent.AddRange(more);
        var expected = sent.GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => (long)g.Count());
        IReadOnlyDictionary<string, long> table = new Dictionary<string, long>();
        await KafkaTestCluster.WaitUntilAsync(() => (table = _k.ReadTable(Output, Serdes.String, Serdes.Int64)) is var t
            && expected.All(kv => t.TryGetValue(kv.Key, out long n) && n >= kv.Value), TimeSpan.FromSeconds(60), "every click counted");
        var wrong = expected.Where(kv => table[kv.Key] != kv.Value).Select(kv => $"{kv.Key}: {table[kv.Key]} for {kv.Value}").ToList();
        Assert.True(wrong.Count == 0, $"counts differ: {string.Join(", ", wrong.Take(10))}");
        Assert.All(apps.Values, p => Assert.Null(p.Error));
    }

    /// <summary>Waits until <paramref name="state"/> is non-empty and unchanged for three seconds.</summary>
    private static async Task WaitStableAsync(Func<string> state, string what)
    {
        string last = "";
        var since = System.Diagnostics.Stopwatch.StartNew();
        await KafkaTestCluster.WaitUntilAsync(() =>
        {
            string now = state();
            if (now != last) (last, since) = (now, System.Diagnostics.Stopwatch.StartNew());
            return now != "" && since.Elapsed >= TimeSpan.FromSeconds(3);
        }, TimeSpan.FromSeconds(120), what);
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
