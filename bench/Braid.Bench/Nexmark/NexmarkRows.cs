using Braid.Bench.Baselines;
using Braid.Bench.Baselines.Nexmark;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Bench.Nexmark;

/// <summary>
/// One Nexmark row: the query over <c>--records</c> generated events (all three kinds; events/s counts every event,
/// as a Nexmark source reading one event stream would) on the driver (in-memory or RocksDB stores), the embedded
/// runtime or plain C#. After the timed runs, the last run's final results must equal the plain reference's over the
/// same events (<see cref="NexmarkSpec.Diff"/>), else the row is marked MISMATCH.
/// </summary>
internal static class NexmarkRows
{
    public static BenchResult Run(BenchOptions opts, Workload q, string impl)
    {
        var events = NexmarkGenerator.Generate(opts.Records, opts.Seed, NexmarkCodec.Serialize);
        var warm = NexmarkGenerator.Generate(opts.WarmupRecords, opts.Seed + 1, NexmarkCodec.Serialize);
        var reference = NexmarkPlain.Run(q, events);
        IReadOnlyDictionary<(long, long), object>? last = null;
        (Action, Func<long>) Prepare(NexmarkEvent[] e)
        {
            switch (impl)
            {
                case "plain":
                    {
                        var p = NexmarkPlain.Create(q);
                        last = p.Results;
                        return (() => { foreach (var x in e) p.Process(x); }, () => p.Outputs);
                    }
                case "braid-embedded":
                    {
                        var sink = new NexmarkSink();
                        last = sink.Results;
                        return (Embedded(q, e, sink), () => Volatile.Read(ref sink.Outputs));
                    }
                default:
                    {
                        var sink = new NexmarkSink();
                        last = sink.Results;
                        return (Driver(q, e, sink, impl == "braid-driver" ? StoreKind.Memory : StoreKind.RocksDb), () => sink.Outputs);
                    }
            }
        }
        var result = Rows.Timed(impl, q.Name(), events.Length, opts.Runs, () => Prepare(warm), () => Prepare(events));
        string? diff = NexmarkSpec.Diff(reference.Results, last!);
        if (diff is not null) Console.Error.WriteLine($"NEXMARK RESULT MISMATCH {impl} {q.Name()}: {diff}");
        return result with { ReferenceOutputs = reference.Results.Count, Check = diff is null ? $"ok ({reference.Results.Count} results)" : "MISMATCH" };
    }

    private static Action Driver(Workload q, NexmarkEvent[] events, NexmarkSink sink, StoreKind kind)
    {
        var stores = new BenchStores(kind);
        var driver = stores.CreateDriver(NexmarkQueries.Build(q, sink));
        return () =>
        {
            for (int i = 0; i < events.Length; i++)
            {
                var e = events[i];
                string topic = NexmarkQueries.TopicOf(e);
                if (NexmarkQueries.Reads(q, topic)) driver.Pipe(topic, e.KeyBytes, e.ValueBytes, e.Timestamp, null);
                stores.AfterRecord(i);
            }
            driver.Dispose();
            stores.Dispose();
        };
    }

    /// <summary>As <see cref="EmbeddedWorkload"/>: input written before timing; timed = start → all processed and committed
    /// (the last commit included); close, dispose and delete untimed (<see cref="EmbeddedPhases"/>).</summary>
    private static Action Embedded(Workload q, NexmarkEvent[] events, NexmarkSink sink)
    {
        EmbeddedPhases.ClosePending(); // the previous pass's application, untimed
        string dir = Path.Combine(Path.GetTempPath(), "braid-bench-nexmark-" + Guid.NewGuid().ToString("N"));
        var app = new BraidApplication(NexmarkQueries.Build(q, sink), new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = "braid-bench-" + q.Name() },
            StateDirectory = dir,
        });
        // One batch per topic (one write per partition), not a write per event: same log contents, faster preparation.
        var byTopic = new Dictionary<string, List<TopicRecord<byte[], byte[]>>>();
        foreach (var e in events)
        {
            string topic = NexmarkQueries.TopicOf(e);
            if (!NexmarkQueries.Reads(q, topic)) continue;
            if (!byTopic.TryGetValue(topic, out var list)) byTopic[topic] = list = [];
            list.Add(new(e.KeyBytes, e.ValueBytes, e.Timestamp));
        }
        foreach (var (topic, list) in byTopic)
        {
            var p = app.CreateProducer(topic, Serdes.ByteArray, Serdes.ByteArray);
            p.Send(list);
            p.Flush();
        }
        return () => EmbeddedPhases.Run(app, dir, q.Name());
    }
}
