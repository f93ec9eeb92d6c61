using System.Globalization;
using Braid.Internal.Aggregations;
using Braid.Serialization;
using Braid.Testing;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Collect emits structure-sharing lists (<see cref="CollectedView{T}"/>: the previous list plus one edit). These
/// tests fail if a list ever aliases state that changes later: every list the topology handed out (new and old values
/// of every change, values read from the store by a query) is re-read after all later updates and must still hold
/// what a from-scratch model said at the moment it was handed out. Random workloads come from CsCheck (it prints the
/// seed on failure; replay with <c>Sample(..., seed: "…")</c>).
/// </summary>
public sealed class CollectViewAliasingTests
{
    /// <summary>(player, team or null = delete, points) steps over 10 players, 3 teams, points 0–5 (ties).</summary>
    private static readonly Gen<(int Player, int Team, int Points)[]> Steps =
        Gen.Select(Gen.Int[0, 9], Gen.Int[-1, 2], Gen.Int[0, 5]).Array[1, 250];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(0)] // 0: no limit (SQL's array_agg)
    public void EmittedAndQueriedLists_NeverChangeAfterTheFact_AndOldValuesAreThePreviousLists(int limit)
    {
        Steps.Sample(steps => Replay(steps, limit == 0 ? null : limit), iter: 40);
    }

    private static void Replay((int Player, int Team, int Points)[] steps, int? limit)
    {
        // Every list handed out and what the model says it held then. Lists are not read when handed out (only
        // every fifth query reads at once), so the later reads, newest first, walk long edit chains.
        var seen = new List<(IReadOnlyList<string> List, string Then)>();
        var calls = new List<(string Team, IReadOnlyList<string> List)>(); // MapValues sees a change's new value, then its old value
        var b = new StreamsBuilder();
        var collected = b.Table("scores", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((player, v) => KeyValue.Pair(v.Split(':')[0], player + ":" + v.Split(':')[1]))
            .Collect(m => int.Parse(m.Split(':')[1], CultureInfo.InvariantCulture), descending: true, limit: limit,
                Materialized.As<string, IReadOnlyList<string>>("shown"));
        collected.MapValues((team, list) =>
        {
            calls.Add((team, list));
            return list.Count;
        });
        // A consumer that relies on old values: the total number of shown members, kept by adding each new list
        // and subtracting each old one. An old value that aliased the new one would subtract the wrong count.
        collected.GroupBy((_, list) => KeyValue.Pair("all", list.Count), Grouped.With(Serdes.String, Serdes.Int32))
            .Aggregate(() => 0L, (_, n, total) => total + n, (_, n, total) => total - n, new Materialized<string, long> { StoreName = "total", ValueSerde = Serdes.Int64 });
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic<string, string>("scores");
        var shown = d.GetTimestampedKeyValueStore<string, IReadOnlyList<string>>("shown");
        var total = d.GetTimestampedKeyValueStore<string, long>("total");

        var rows = new Dictionary<string, (string Team, int Points, long Seq)>();
        var model = new Dictionary<string, string>();
        long seq = 0;
        for (int step = 0; step < steps.Length; step++)
        {
            var (p, t, points) = steps[step];
            string player = "p" + p;
            string? value = t < 0 ? null : $"t{t}:{points}";
            calls.Clear();
            input.PipeInput(player, value, step + 1);
            string? from = rows.Remove(player, out var before) ? before.Team : null;
            if (value is not null) rows[player] = ("t" + t, points, seq++);
            var expected = new List<string>();
            foreach (var team in new[] { from, value is null ? null : "t" + t }.Distinct().OfType<string>())
            {
                var view = rows.Where(r => r.Value.Team == team).OrderByDescending(r => r.Value.Points).ThenBy(r => r.Value.Seq)
                    .Take(limit ?? int.MaxValue).Select(r => $"{r.Key}:{r.Value.Points}").ToList();
                string? now = view.Count == 0 ? null : string.Join(",", view);
                string? was = model.GetValueOrDefault(team);
                if (now == was) continue;
                if (now is not null) expected.Add(team + "=" + now);
                if (was is not null) expected.Add(team + "=" + was);
                if (now is null) model.Remove(team);
                else model[team] = now;
            }
            Assert.Equal(expected.Select(e => e.Split('=')[0]), calls.Select(c => c.Team));
            seen.AddRange(calls.Select((c, i) => (c.List, expected[i].Split('=')[1])));
            foreach (var (team, content) in model)
            {
                Assert.True(shown.TryGet(team, out var stored), team);
                if (step % 5 == 0) Assert.Equal(content, Show(stored.Value));
                seen.Add((stored.Value, content));
            }
            Assert.Equal(rows.GroupBy(r => r.Value.Team).Sum(g => Math.Min(g.Count(), limit ?? int.MaxValue)), total.TryGet("all", out var n) ? n.Value : 0);
        }
        // Read every list again, newest first (so a lazily built old list is built after its successors).
        for (int i = seen.Count - 1; i >= 0; i--) Assert.True(seen[i].Then == Show(seen[i].List), $"list #{i}: expected [{seen[i].Then}], got [{Show(seen[i].List)}]");
    }

    private static string Show(IReadOnlyList<string> list) => string.Join(",", list);

    /// <summary>One edit: remove at, insert at, keep count, and the value to insert or promote.</summary>
    private static readonly Gen<(int Remove, int Insert, int Count, int Value)[]> Edits =
        Gen.Select(Gen.Int[-1, 40], Gen.Int[-1, 40], Gen.Int[0, 40], Gen.Int).Array[1, 120];

    [Fact]
    public void EveryVersionOfAnEditChain_ReadsAsItsOwnList_InAnyReadOrder()
    {
        Gen.Select(Edits, Gen.Int[0, 8].Array[1, 8], Gen.Int).Sample(sample =>
        {
            var (edits, initial, order) = sample;
            var versions = new List<(CollectedView<int> View, int[] Expected)> { (CollectedView<int>.Of([.. initial]), [.. initial]) };
            var model = new List<int>(initial);
            foreach (var (remove, insert, count, value) in edits)
            {
                // Clamp the generated edit to a valid one (as TableCollect produces): positions inside the list,
                // and a count that trims, keeps, or (without an insertion) grows by exactly one promoted value.
                int r = remove < model.Count ? remove : -1;
                if (r >= 0) model.RemoveAt(r);
                int i = insert <= model.Count ? insert : -1;
                if (i >= 0) model.Insert(i, value);
                int c = Math.Min(count, model.Count + (i >= 0 ? 0 : 1));
                if (c < model.Count) model.RemoveRange(c, model.Count - c);
                else if (c > model.Count) model.Add(value);
                versions.Add((versions[^1].View.With(r, i, c, value), model.ToArray()));
            }
            // Read in a random order: later versions before earlier ones and the other way round.
            var rng = new Random(order);
            foreach (var (view, expected) in versions.OrderBy(_ => rng.Next()))
            {
                Assert.Equal(expected.Length, view.Count);
                Assert.Equal(expected, view);
                if (expected.Length > 0) Assert.Equal(expected[^1], view[expected.Length - 1]);
            }
        }, iter: 300);
    }

    /// <summary>
    /// A query thread and the stream thread may read the same lists at once: concurrent first reads of every version
    /// of one long chain (each reader in its own order) must all see each version's own members. Catches a reader
    /// that finds the predecessor link cleared before the array is published, or a replay from a half-built state.
    /// </summary>
    [Fact]
    public async Task ConcurrentFirstReads_OfOneChain_AllSeeEachVersionsOwnMembers()
    {
        for (int round = 0; round < 20; round++)
        {
            var versions = new List<(CollectedView<int> View, int[] Expected)> { (CollectedView<int>.Of([0]), [0]) };
            var model = new List<int> { 0 };
            for (int e = 1; e <= 200; e++)
            {
                // Newest first, capped at 5: insert at the front, the oldest falls off; every third edit removes the front.
                if (e % 3 == 0 && model.Count > 1)
                {
                    model.RemoveAt(0);
                    versions.Add((versions[^1].View.With(0, -1, model.Count, 0), model.ToArray()));
                    continue;
                }
                model.Insert(0, e);
                int count = Math.Min(5, model.Count);
                if (model.Count > count) model.RemoveAt(count);
                versions.Add((versions[^1].View.With(-1, 0, count, e), model.ToArray()));
            }
            var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
            {
                var order = Enumerable.Range(0, versions.Count).OrderBy(i => (i * (r + 7) + round) % versions.Count).ToList();
                foreach (var i in order) Assert.Equal(versions[i].Expected, versions[i].View);
            })).ToArray();
            await Task.WhenAll(readers);
        }
    }

    [Fact]
    public void ChainFull_BoundsTheReplay_At32EditsOrASixteenthOfTheList()
    {
        var v = CollectedView<int>.Of([1, 2, 3]);
        for (int i = 0; i < 31; i++) v = v.With(-1, -1, 3, 0);
        Assert.False(v.ChainFull(3)); // 31 edits: one more is the 32nd
        v = v.With(-1, -1, 3, 0);
        Assert.True(v.ChainFull(3));
        Assert.False(v.ChainFull(16 * 33)); // a list of 528 may hold 33 edits
        Assert.Equal([1, 2, 3], v);
        Assert.False(v.ChainFull(3)); // read once: materialized, so the next edit starts a new chain
    }
}
