using Braid.Serialization;

namespace Braid.Tests.Dsl;

/// <summary>
/// Generated names as Kafka Streams gives them (expectations copied from Kafka's TopologyTest and KStreamImplTest),
/// so a user moving from Kafka recognises them and the Kafka host's internal topic names match; and the KIP-1111
/// option that refuses generated names.
/// </summary>
public sealed class KafkaNamingTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);

    /// <summary>TopologyTest.kGroupedStreamZeroArgCountShouldPreserveTopologyStructure, verbatim.</summary>
    [Fact]
    public void Count_IsNamedAsKafkasAggregate()
    {
        var b = new StreamsBuilder();
        b.Stream("input-topic", S).GroupByKey().Count();
        Assert.Equal(
            "Topologies:\n" +
            "   Sub-topology: 0\n" +
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n" +
            "      --> KSTREAM-AGGREGATE-0000000002\n" +
            "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n" +
            "      --> none\n" +
            "      <-- KSTREAM-SOURCE-0000000000\n",
            b.Build().Describe().ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n");
    }

    /// <summary>
    /// KStreamImplTest.shouldSupportForeignKeyTableTableJoinWithKTableFromKStream: the same indices for the FK join's
    /// topics, processors and stores (Kafka's separate "-subscription-join-foreign" and "-result" nodes are merged into
    /// Braid's receive and resolver nodes, but take their indices).
    /// </summary>
    [Fact]
    public void ForeignKeyJoin_TopicsProcessorsAndStores_AreNamedAsInKafka()
    {
        var b = new StreamsBuilder();
        var left = b.Stream("input1", S).ToTable();
        var right = b.Stream("input2", S).ToTable();
        left.Join(right, v => v.Split('|')[1], (l, r) => $"({l},{r})").ToStream().To("output");
        var text = b.Build().Describe().ToString();
        foreach (var name in new[]
        {
            "KSTREAM-TOTABLE-0000000001", "KSTREAM-TOTABLE-STATE-STORE-0000000002", "KSTREAM-TOTABLE-STATE-STORE-0000000005",
            "(topic: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic)", "Processor: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007 ",
            "Sink: KTABLE-SINK-0000000008 ", "Source: KTABLE-SOURCE-0000000009 ", "KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010",
            "Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011 ", "Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013 ",
            "(topic: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic)", "Sink: KTABLE-SINK-0000000015 ", "Source: KTABLE-SOURCE-0000000016 ",
            "Processor: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017 ",
            "Processor: KTABLE-TOSTREAM-0000000020 ", "Sink: KSTREAM-SINK-0000000021 (topic: output)",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
        // Kafka reserves the result store's index (0000000019) but adds the store only when the result is materialized
        // (TableProcessorNode: a KTableSource that is not queryable and not forced to send old values has no store).
        Assert.DoesNotContain("KTABLE-FK-JOIN-OUTPUT-STATE-STORE", text, StringComparison.Ordinal);
    }

    /// <summary>ForeignKeyJoined.Name gives Kafka's "&lt;name&gt;-subscription-registration-topic" etc. (TableJoined.as).</summary>
    [Fact]
    public void ForeignKeyJoin_Named_UsesTheNameForTopicsAndStores()
    {
        var b = new StreamsBuilder();
        b.Table("l", S).Join(b.Table("r", S), v => v, (l, r) => l + r, new ForeignKeyJoined<string, string> { Name = "orders-customers" });
        var d = b.Build().Describe();
        var text = d.ToString();
        foreach (var name in new[]
        {
            "orders-customers-subscription-registration-topic", "orders-customers-subscription-response-topic", "orders-customers-subscription-store",
            "orders-customers-subscription-registration-processor", "orders-customers-subscription-receive", "orders-customers-foreign-join-subscription",
            "orders-customers-subscription-response-resolver",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    /// <summary>KIP-1111: generated store, changelog and internal-topic names are refused, and named ones pass.</summary>
    [Fact]
    public void EnsureExplicitInternalResourceNaming_RefusesGeneratedNames_AndAcceptsNamedOnes()
    {
        var strict = new TopologyOptions { EnsureExplicitInternalResourceNaming = true };
        var b = new StreamsBuilder(strict);
        b.Stream("clicks", S).SelectKey((_, v) => v).GroupByKey().Count().ToStream().To("counts");
        var ex = Assert.Throws<TopologyException>(() => b.Build());
        Assert.StartsWith("Invalid topology: \nFollowing changelog topic(s) has not been named: KSTREAM-AGGREGATE-STATE-STORE-", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\nFollowing state store(s) has not been named: KSTREAM-AGGREGATE-STATE-STORE-", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\nFollowing repartition topic(s) has not been named: ", ex.Message, StringComparison.Ordinal);

        var named = new StreamsBuilder(strict);
        named.Stream("clicks", S).SelectKey((_, v) => v!).GroupByKey(new Grouped<string, string> { Name = "by-url" })
            .Count(Materialized.As<string, long>("clicks-per-url")).ToStream().To("counts");
        named.Build();

        // Without the option generated names are fine.
        var lenient = new StreamsBuilder();
        lenient.Stream("clicks", S).SelectKey((_, v) => v).GroupByKey().Count();
        lenient.Build();
    }

    [Fact]
    public void EnsureExplicitInternalResourceNaming_ListsForeignKeyTopicsAndSourceTableStores()
    {
        var b = new StreamsBuilder(new TopologyOptions { EnsureExplicitInternalResourceNaming = true });
        b.Table("l", S, Materialized.As<string, string>("l-store")).Join(b.Table("r", S), v => v, (l, r) => l + r);
        var ex = Assert.Throws<TopologyException>(() => b.Build());
        Assert.Contains("r-STATE-STORE-", ex.Message, StringComparison.Ordinal);
        Assert.Contains("KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("l-store", ex.Message, StringComparison.Ordinal);
    }
}
