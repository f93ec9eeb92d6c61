namespace Braid.Embedded.Tests.HostEquivalence;

/// <summary>
/// The proof that there is one runtime: each case runs on the TopologyTestDriver and on the embedded runtime, and
/// the outputs are identical record for record (key, value, timestamp) in every partition of every output topic.
/// The Kafka leg plugs in through <see cref="IHostLeg"/> (see its remarks).
/// </summary>
public class HostEquivalenceTests
{
    public static TheoryData<string> Cases() => new(HostEquivalenceCases.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void DriverAndEmbedded_ProduceIdenticalOutputs_PerPartition(string name)
    {
        var c = HostEquivalenceCases.All().Single(x => x.Name == name);
        var expected = Group(new DriverLeg().Run(c.Build(), c.Config, c.Partitions, c.Input, c.Outputs));
        var actual = Group(new EmbeddedLeg().Run(c.Build(), c.Config, c.Partitions, c.Input, c.Outputs));
        Assert.True(expected.Values.Sum(l => l.Count) > 0, "the case produces output");
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (partition, records) in expected) Assert.Equal(records, actual[partition]);
    }

    private static Dictionary<string, List<(string? Key, string? Value, long Timestamp)>> Group(IReadOnlyList<HostOutput> outputs) =>
        outputs.GroupBy(o => $"{o.Topic}-{o.Partition}").ToDictionary(g => g.Key, g => g.Select(o => (o.Key, o.Value, o.Timestamp)).ToList());
}
