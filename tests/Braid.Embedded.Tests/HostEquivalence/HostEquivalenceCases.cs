using Braid.Serialization;

namespace Braid.Embedded.Tests.HostEquivalence;

/// <summary>One topology, its settings, its input and the topics to compare.</summary>
public sealed record EquivalenceCase(string Name, Func<Topology> Build, StreamsConfig Config, int Partitions, IReadOnlyList<CaseRecord> Input, IReadOnlyList<string> Outputs);

/// <summary>The topologies every host must run identically (issue 14), with seeded inputs of distinct timestamps.</summary>
public static class HostEquivalenceCases
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    public static StreamsConfig Config(string app) => new() { ApplicationId = app, OuterJoinEmitInterval = TimeSpan.Zero };

    /// <summary>Distinct, increasing timestamps; keys k0..k(keys-1); a few tombstones when allowed.</summary>
    public static List<CaseRecord> Input(int n, int seed, int keys, bool tombstones, params string[] topics)
    {
        var rng = new Random(seed);
        var list = new List<CaseRecord>();
        long ts = 1000;
        for (int i = 0; i < n; i++)
        {
            ts += rng.Next(1, 40);
            list.Add(new CaseRecord(topics[rng.Next(topics.Length)], "k" + rng.Next(keys), tombstones && rng.Next(25) == 0 ? null : "v" + i, ts));
        }
        return list;
    }

    public static IEnumerable<EquivalenceCase> All()
    {
        // Stream–table join over a backlog on 4 partitions: the table's whole history is not "first", record choice decides.
        yield return new EquivalenceCase("stream-table backlog, 4 partitions", () =>
        {
            var b = new StreamsBuilder();
            var table = b.Table("table", S);
            b.Stream("stream", S).LeftJoin(table, (s, t) => $"{s}|{t}").To("out", P);
            return b.Build();
        }, Config("eq-st"), 4, Input(600, 21, 40, true, "stream", "table", "table"), ["out"]);

        yield return new EquivalenceCase("stream-stream outer join", () =>
        {
            var b = new StreamsBuilder();
            var right = b.Stream("right", S);
            b.Stream("left", S).OuterJoin(right, (l, r) => $"{l}+{r}", JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(20)))
                .To("out", P);
            return b.Build();
        }, Config("eq-ss"), 4, Input(500, 22, 30, false, "left", "right"), ["out"]);

        yield return new EquivalenceCase("table-table outer join", () =>
        {
            var b = new StreamsBuilder();
            var right = b.Table("right", S);
            b.Table("left", S).OuterJoin(right, (l, r) => $"{l}/{r}").ToStream().To("out", P);
            return b.Build();
        }, Config("eq-tt"), 4, Input(500, 23, 25, true, "left", "right"), ["out"]);

        yield return new EquivalenceCase("windowed count with suppress", () =>
        {
            var b = new StreamsBuilder();
            b.Stream("events", S).GroupByKey().WindowedBy(TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(50))).Count()
                .Suppress(Suppressed.UntilWindowCloses(BufferConfig.Unbounded()))
                .ToStream().Map((wk, n) => KeyValue.Pair(wk.Key, $"{wk.Window.Start}:{n}")).To("out", P);
            return b.Build();
        }, Config("eq-win"), 4, Input(600, 24, 20, false, "events"), ["out"]);

        yield return new EquivalenceCase("failing joiner, Continue + dead-letter topic", () =>
        {
            var b = new StreamsBuilder();
            var table = b.Table("table", S);
            b.Stream("stream", S).Join(table, (s, t) => t.EndsWith('7') ? throw new InvalidOperationException("joiner refuses " + t) : $"{s}|{t}").To("out", P);
            return b.Build();
        }, Config("eq-dlq") with { ProcessingExceptionHandler = ProcessingExceptionHandler.LogAndContinue(), DeadLetterQueueTopic = "dead" },
            4, Input(600, 25, 30, false, "stream", "table"), ["out", "dead"]);
    }
}
