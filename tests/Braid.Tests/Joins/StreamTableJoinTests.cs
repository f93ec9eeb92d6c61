using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Joins;

public sealed class StreamTableJoinTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    private static TopologyTestDriver Build(bool left)
    {
        var b = new StreamsBuilder();
        var products = b.Table("products", S);
        var views = b.Stream("views", S);
        (left ? views.LeftJoin(products, (v, p) => $"{v}+{p ?? "none"}") : views.Join(products, (v, p) => $"{v}+{p}")).To("out", P);
        return new TopologyTestDriver(b.Build());
    }

    [Fact]
    public void InnerJoin_EnrichesFromCurrentTableValue_AndKeepsStreamTimestamp()
    {
        using var d = Build(left: false);
        d.CreateInputTopic("products", Serdes.String, Serdes.String).PipeInput("p1", "laptop", 100);
        var views = d.CreateInputTopic("views", Serdes.String, Serdes.String);
        views.PipeInput("p1", "u1", 50);   // older than the table row: an unversioned table has only "now"
        views.PipeInput("p2", "u2", 60);   // no product: nothing
        Assert.Equal([new TestRecord<string, string>("p1", "u1+laptop", 50)], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList());
    }

    [Fact]
    public void TableUpdates_EmitNothing_AndOnlyChangeLaterEnrichments()
    {
        using var d = Build(left: false);
        var products = d.CreateInputTopic("products", Serdes.String, Serdes.String);
        var views = d.CreateInputTopic("views", Serdes.String, Serdes.String);
        products.PipeInput("p1", "price=10", 1);
        views.PipeInput("p1", "u1", 2);
        products.PipeInput("p1", "price=12", 3);
        views.PipeInput("p1", "u2", 4);
        Assert.Equal(["u1+price=10", "u2+price=12"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void LeftJoin_EmitsWithNullRightSide_WhenTableLacksKey_AndForwardsNullKeys()
    {
        using var d = Build(left: true);
        var views = d.CreateInputTopic("views", Serdes.String, Serdes.String);
        views.PipeInput("p9", "u1", 1);
        views.PipeInput(null, "u2", 2);      // KIP-962: forwarded by the left join
        views.PipeInput("p9", null, 3);      // null value: dropped and counted
        Assert.Equal(["u1+none", "u2+none"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(1, d.DroppedRecords.Values.Sum());
    }

    [Fact]
    public void InnerJoin_DropsNullKeys_AndCountsThem()
    {
        using var d = Build(left: false);
        d.CreateInputTopic("views", Serdes.String, Serdes.String).PipeInput(null, "u", 1);
        Assert.True(d.CreateOutputTopic("out", Serdes.String, Serdes.String).IsEmpty);
        Assert.Contains(d.DroppedRecords, kv => kv.Key.EndsWith("null-key", StringComparison.Ordinal));
    }

    [Fact]
    public void LeftJoin_OnValueTypedTable_IsRejectedAtBuildTime()
    {
        var b = new StreamsBuilder();
        var counts = b.Stream("c", S).GroupByKey().Count();
        Assert.Throws<TopologyException>(() => b.Stream("v", S).LeftJoin(counts, (v, c) => $"{v}{c}"));
    }

    [Fact]
    public void GlobalTableJoin_MapsTheTableKeyFromTheRecord_AndReadsAllPartitionsCopy()
    {
        var b = new StreamsBuilder();
        var products = b.GlobalTable("products", S);
        b.Stream("views", S).Join(products, (user, productId) => productId, (pid, product) => $"{pid}:{product}").To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("products", Serdes.String, Serdes.String).PipeInput("prod456", "laptop", 1);
        var views = d.CreateInputTopic("views", Serdes.String, Serdes.String);
        views.PipeInput("user123", "prod456", 2);
        views.PipeInput("user123", "prod999", 3);
        Assert.Equal([new TestRecord<string, string>("user123", "prod456:laptop", 2)], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList());
    }
}
