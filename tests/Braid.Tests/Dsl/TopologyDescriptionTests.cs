using Braid.Serialization;

namespace Braid.Tests.Dsl;

public sealed class TopologyDescriptionTests
{
    [Fact]
    public void Describe_ListsSubtopologiesProcessorsStoresAndTopics_LikeKafka()
    {
        var b = new StreamsBuilder();
        var table = b.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        b.Stream("views", Consumed.With(Serdes.String, Serdes.String)).Join(table, (v, p) => v + p).To("out");
        var text = b.Build().Describe().ToString();
        Assert.Equal(
            """
            Topologies:
               Sub-topology: 0
                Source: KSTREAM-SOURCE-0000000000 (topics: [products])
                  --> KTABLE-SOURCE-0000000001
                Processor: KTABLE-SOURCE-0000000001 (stores: [products-store])
                  --> none
                  <-- KSTREAM-SOURCE-0000000000
                Source: KSTREAM-SOURCE-0000000002 (topics: [views])
                  --> KSTREAM-JOIN-0000000003
                Processor: KSTREAM-JOIN-0000000003 (stores: [products-store])
                  --> KSTREAM-SINK-0000000004
                  <-- KSTREAM-SOURCE-0000000002
                Sink: KSTREAM-SINK-0000000004 (topic: out)
                  <-- KSTREAM-JOIN-0000000003

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
    }

    [Fact]
    public void GlobalTables_AreDescribedSeparately()
    {
        var b = new StreamsBuilder();
        var g = b.GlobalTable("countries", Consumed.With(Serdes.String, Serdes.String));
        b.Stream<string, string>("in").Join(g, (k, v) => v, (v, c) => v + c).To("out");
        var d = b.Build().Describe();
        Assert.Single(d.Subtopologies);
        Assert.Contains(d.GlobalStores, n => n.Topics.Contains("countries"));
        Assert.Contains("Global Stores:", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMermaidAndToDot_DrawEverySubtopologyTopicAndStore()
    {
        var b = new StreamsBuilder();
        var table = b.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        b.Stream("views", Consumed.With(Serdes.String, Serdes.String)).Join(table, (v, p) => v + p).To("out");
        var d = b.Build().Describe();

        var mermaid = d.ToMermaid();
        Assert.StartsWith("flowchart TD\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("subgraph sub0[\"Sub-topology 0\"]", mermaid, StringComparison.Ordinal);
        Assert.Contains("topic_products[(\"products\")]", mermaid, StringComparison.Ordinal);
        Assert.Contains("KSTREAM_SINK_0000000004 --> topic_out", mermaid, StringComparison.Ordinal);
        Assert.Contains("store_products_store[/\"products-store\"/]", mermaid, StringComparison.Ordinal);

        var dot = d.ToDot();
        Assert.StartsWith("digraph topology {", dot, StringComparison.Ordinal);
        Assert.Contains("\"topic:views\" -> \"KSTREAM-SOURCE-0000000002\";", dot, StringComparison.Ordinal);
        Assert.Contains("\"KSTREAM-JOIN-0000000003\" -> \"store:products-store\" [style=dashed,arrowhead=none];", dot, StringComparison.Ordinal);
        Assert.EndsWith("}\n", dot, StringComparison.Ordinal);
    }
}
