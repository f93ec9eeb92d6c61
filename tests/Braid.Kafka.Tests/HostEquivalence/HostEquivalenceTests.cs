namespace Braid.Kafka.Tests.HostEquivalence;

/// <summary>
/// The proof that there is one runtime: each case runs on the TopologyTestDriver, the embedded runtime and the Kafka
/// host (mock cluster), and the outputs are identical record for record (key, value, timestamp) in every partition of
/// every output topic. The driver is the reference; a leg that differs names itself, the partition and the first
/// differing record.
/// </summary>
public class HostEquivalenceTests
{
    public static TheoryData<string> Cases() => new(HostEquivalenceCases.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Driver_embedded_and_Kafka_produce_identical_outputs_per_partition(string name)
    {
        var c = HostEquivalenceCases.All().Single(x => x.Name == name);
        var expected = Group(new DriverLeg().Run(c.Build(), c.Config, c.Partitions, c.Input, c.Outputs));
        Assert.True(expected.Values.Sum(l => l.Count) > 0, "the case produces output");
        foreach (IHostLeg leg in new IHostLeg[] { new EmbeddedLeg(), new KafkaLeg() })
        {
            var actual = Group(leg.Run(c.Build(), c.Config, c.Partitions, c.Input, c.Outputs));
            Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                $"{leg.Name}: output partitions [{string.Join(", ", actual.Keys.Order())}], driver [{string.Join(", ", expected.Keys.Order())}]");
            foreach (var (partition, records) in expected)
            {
                var got = actual[partition];
                int i = 0;
                while (i < records.Count && i < got.Count && records[i] == got[i]) i++;
                Assert.True(i == records.Count && i == got.Count,
                    $"{leg.Name}, {partition}: {got.Count} records, driver {records.Count}; first difference at #{i}: " +
                    $"{(i < got.Count ? got[i].ToString() : "none")} vs driver {(i < records.Count ? records[i].ToString() : "none")}");
            }
        }
    }

    private static Dictionary<string, List<(string? Key, string? Value, long Timestamp)>> Group(IReadOnlyList<HostOutput> outputs) =>
        outputs.GroupBy(o => $"{o.Topic}-{o.Partition}").ToDictionary(g => g.Key, g => g.Select(o => (o.Key, o.Value, o.Timestamp)).ToList());
}
