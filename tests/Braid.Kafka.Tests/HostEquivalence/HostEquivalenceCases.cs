using Braid.Serialization;

namespace Braid.Kafka.Tests.HostEquivalence;

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

    /// <summary>The right table's history (keys k0..k24, so some foreign keys find nothing), then each order once.</summary>
    private static List<CaseRecord> ForeignKeyInput()
    {
        var products = Input(200, 26, 25, true, "products");
        long start = products[^1].Timestamp;
        var orders = Enumerable.Range(0, 150).Select(i => new CaseRecord("orders", "o" + i, "v" + (i * 7), start + 10 + i * 3));
        return [.. products, .. orders];
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

        // Foreign-key left join through its two internal topics (subscriptions, responses). Every left row is written once,
        // after the whole right table (updates and tombstones included): a left row updated again before its response
        // returns, or a right row changing while a subscription is in flight, races across tasks on a real runtime (the
        // hash check then drops the stale response, as Kafka's ResponseJoinProcessorSupplier does) while the driver
        // resolves each record synchronously — see docs/differences.md. One partition, because the responses for a left
        // partition come from every right partition and interleave by arrival.
        yield return new EquivalenceCase("foreign-key left join", () =>
        {
            var b = new StreamsBuilder();
            var products = b.Table("products", S);
            b.Table("orders", S).LeftJoin(products, order => "k" + (int.Parse(order.AsSpan(1)) % 30), (o, p) => $"{o}>{p ?? "none"}")
                .ToStream().To("out", P);
            return b.Build();
        }, Config("eq-fk"), 1, ForeignKeyInput(), ["out"]);

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
