using System.Globalization;
using Braid.Internal.Aggregations;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A timeline-sized Collect (newest 50 of hundreds of members) emits values that are edit chains of their predecessors,
/// copied only every <see cref="CollectedView{T}.MaxDepth"/> edits. These tests hold every emitted value (new and old
/// of every change) unread while hundreds of later updates run — chains of up to 32 edits, several copies — and
/// then read them all, newest first: each must still be the timeline it was when it was emitted.
/// </summary>
public sealed class CollectedTimelineHistoryTests
{
    private const int Limit = 50;

    [Theory]
    [InlineData(20261206)]
    [InlineData(7)]
    public void EmittedTimelines_KeepTheirLines_AfterHundredsOfLaterUpdates(int seed)
    {
        var emitted = new List<(IReadOnlyList<string> List, string Then)>();
        var b = new StreamsBuilder();
        var calls = new List<Change>();
        b.Table("tweets", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((id, ts) => KeyValue.Pair("reader", id + "@" + ts))
            .Collect(line => long.Parse(line.Split('@')[1], CultureInfo.InvariantCulture), descending: true, limit: Limit,
                Materialized.As<string, IReadOnlyList<string>>("timeline"))
            .ToStream()
            .Foreach((_, list) => calls.Add(new Change(list)));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic<string, string>("tweets");

        var rng = new Random(seed);
        var live = new Dictionary<string, long>();
        string? shown = null;
        for (int step = 0; step < 600; step++)
        {
            // Mostly new tweets (the newest line, inserted at the top); one in five deletes a live tweet (often a shown
            // one: the next line moves up); one in seven is a late tweet whose time lands somewhere inside the list.
            string id;
            string? ts;
            int kind = rng.Next(35);
            if (kind < 7 && live.Count > 0)
            {
                id = live.Keys.ElementAt(rng.Next(live.Count));
                ts = null;
            }
            else
            {
                id = "t" + step.ToString("D4", CultureInfo.InvariantCulture);
                // Times are unique (the last three digits are the step), so the model's order is the Collect's.
                ts = ((kind < 12 ? rng.Next(1, step + 1) : step + 1) * 1000L + step).ToString(CultureInfo.InvariantCulture);
            }
            calls.Clear();
            input.PipeInput(id, ts, step + 1);
            if (ts is null) live.Remove(id);
            else live[id] = long.Parse(ts, CultureInfo.InvariantCulture);
            var now = live.Count == 0 ? null : string.Join(",", live.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal)
                .Take(Limit).Select(l => l.Key + "@" + l.Value));
            if (now == shown)
            {
                Assert.Empty(calls);
                continue;
            }
            Assert.Single(calls);
            if (now is null) Assert.Null(calls[0].List);
            else emitted.Add((calls[0].List!, now)); // held unread: its chain grows under later updates
            shown = now;
        }
        Assert.True(emitted.Count > 4 * CollectedView<string>.MaxDepth(Limit), $"only {emitted.Count} emissions: too few to cross several copies");
        for (int i = emitted.Count - 1; i >= 0; i--) AssertHolds(i);
        // Read again, oldest first: a value built once must not change when others are built after it (a shared array).
        for (int i = 0; i < emitted.Count; i++) AssertHolds(i);

        void AssertHolds(int i) =>
            Assert.True(emitted[i].Then == string.Join(",", emitted[i].List), $"emission #{i}: expected [{emitted[i].Then}], got [{string.Join(",", emitted[i].List)}]");
    }

    private sealed record Change(IReadOnlyList<string>? List);

    [Fact]
    public void OneEdit_AllocatesOneObjectOf48Bytes_NoCopy()
    {
        var views = new CollectedView<string>[1_000];
        var v = CollectedView<string>.Of(Enumerable.Range(0, Limit).Select(i => "m" + i).ToArray());
        views[0] = v.With(-1, 0, Limit, "warm");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < views.Length; i++) views[i] = v = v.With(-1, 0, Limit, "new");
        long perEdit = (GC.GetAllocatedBytesForCurrentThread() - before) / views.Length;
        Assert.True(perEdit <= 48, $"{perEdit} bytes per edit");
    }
}
