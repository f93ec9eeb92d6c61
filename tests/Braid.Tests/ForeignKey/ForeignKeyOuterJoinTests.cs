using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>Foreign-key outer join: orders (order → customer id) ⋈ customers, keyed by (order, customer).</summary>
public sealed class ForeignKeyOuterJoinTests
{
    [Fact]
    public void OuterJoin_KeepsUnreferencedRightRows_AndMovesThem_WhenForeignKeysChange()
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var orders = b.Table("orders", strings);
        var customers = b.Table("customers", strings);
        orders.OuterJoin(customers, customerId => customerId, (o, c) => $"{o ?? "null"}:{c ?? "null"}").ToStream().To("out");
        using var driver = new TopologyTestDriver(b.Build());
        var orderIn = driver.CreateInputTopic<string, string>("orders");
        var customerIn = driver.CreateInputTopic<string, string>("customers");
        var output = driver.CreateOutputTopic("out", JoinKey.Serde<string, string>(), Serdes.String);
        var table = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string State()
        {
            foreach (var r in output.ReadRecordsToList())
            {
                if (r.Value is null) Assert.True(table.Remove(r.Key.ToString()), $"tombstone for absent {r.Key}");
                else table[r.Key.ToString()] = r.Value;
            }
            return string.Join(" ", table.Select(e => $"{e.Key}={e.Value}"));
        }

        customerIn.PipeInput("c1", "ann", 1);
        customerIn.PipeInput("c2", "bob", 2);
        Assert.Equal("(-, c1)=null:ann (-, c2)=null:bob", State());

        orderIn.PipeInput("o1", "c1", 3);   // c1 is now referenced: its right-only row is retracted
        orderIn.PipeInput("o2", "c9", 4);   // references no customer: left-only
        Assert.Equal("(-, c2)=null:bob (o1, c1)=c1:ann (o2, -)=c9:null", State());

        orderIn.PipeInput("o2", "c2", 5);   // o2 moves to c2: its left-only row and c2's right-only row go
        Assert.Equal("(o1, c1)=c1:ann (o2, c2)=c2:bob", State());

        orderIn.PipeInput("o1", null, 6);   // o1 deleted: c1 is unreferenced again
        Assert.Equal("(-, c1)=null:ann (o2, c2)=c2:bob", State());

        customerIn.PipeInput("c2", null, 7); // c2 deleted: o2 keeps its row, unmatched
        Assert.Equal("(-, c1)=null:ann (o2, -)=c2:null", State());
    }
}
