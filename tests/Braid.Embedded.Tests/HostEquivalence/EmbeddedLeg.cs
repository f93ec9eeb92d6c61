using Braid.Serialization;

namespace Braid.Embedded.Tests.HostEquivalence;

/// <summary>The embedded runtime (RocksDB, exactly-once, two stream threads) as an equivalence leg.</summary>
public sealed class EmbeddedLeg : IHostLeg
{
    public string Name => "embedded";

    public IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs)
    {
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, partitions, threads: 2) with { Streams = config };
        using var app = new BraidApplication(topology, options);
        foreach (var g in input.GroupBy(r => r.Topic))
            app.CreateProducer(g.Key, Serdes.String, Serdes.String).Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
        app.StartAsync().Wait();
        app.WaitForIdleAsync(TestOptions.Idle).Wait();
        var result = new List<HostOutput>();
        foreach (var topic in outputs)
        {
            foreach (var r in app.CreateReader(topic, Serdes.String, Serdes.String).ReadToEnd())
                result.Add(new HostOutput(topic, r.Partition, r.Key, r.Value, r.Timestamp));
        }
        app.CloseAsync().Wait();
        return result;
    }
}
