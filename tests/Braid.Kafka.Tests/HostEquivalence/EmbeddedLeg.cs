using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Kafka.Tests.HostEquivalence;

/// <summary>The embedded runtime (RocksDB, exactly-once, two stream threads) as an equivalence leg.</summary>
public sealed class EmbeddedLeg : IHostLeg
{
    public string Name => "embedded";

    public IReadOnlyList<HostOutput> Run(Topology topology, StreamsConfig config, int partitions, IReadOnlyList<CaseRecord> input, IReadOnlyList<string> outputs)
    {
        string dir = Path.Combine(Path.GetTempPath(), "braid-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var options = new BraidApplicationOptions
            {
                Streams = config, StateDirectory = dir, DefaultPartitions = partitions, StreamThreads = 2, CommitInterval = TimeSpan.FromMilliseconds(10),
            };
            using var app = new BraidApplication(topology, options);
            foreach (var g in input.GroupBy(r => r.Topic))
                app.CreateProducer(g.Key, Serdes.String, Serdes.String).Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
            app.StartAsync().Wait();
            app.WaitForIdleAsync(TimeSpan.FromSeconds(60)).Wait();
            var result = new List<HostOutput>();
            foreach (var topic in outputs)
            {
                foreach (var r in app.CreateReader(topic, Serdes.String, Serdes.String).ReadToEnd())
                    result.Add(new HostOutput(topic, r.Partition, r.Key, r.Value, r.Timestamp));
            }
            app.CloseAsync().Wait();
            return result;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
