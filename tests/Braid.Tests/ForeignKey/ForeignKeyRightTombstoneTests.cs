namespace Braid.Tests.ForeignKey;

/// <summary>
/// A right-table tombstone for a key the right table never held changes no result, so Braid sends nothing;
/// Kafka 4.0 re-sends every referencing row's current result (ForeignTableJoinProcessorSupplier forwards the
/// change whatever its old value). docs/differences.md.
/// </summary>
public sealed class ForeignKeyRightTombstoneTests
{
    private static string? Fk(string v) => v.Split('|')[1];

    [Fact]
    public void LeftJoin_RightTombstoneForAKeyNeverHeld_SendsNothing()
    {
        using var kit = new FkTestKit((l, r) => l.LeftJoin(r, Fk, (a, b) => $"({a},{b ?? "null"})"));
        kit.Left("k1", "v1|f1", 1);
        Assert.Equal(["k1=(v1|f1,null)"], kit.Read());
        kit.Right("f1", null, 2); // Kafka: k1=(v1|f1,null) again
        Assert.Empty(kit.Read());
        // A tombstone for a key the right table did hold still retracts, and re-adding it joins again.
        kit.Right("f1", "r1", 3);
        kit.Right("f1", null, 4);
        Assert.Equal(["k1=(v1|f1,r1)", "k1=(v1|f1,null)"], kit.Read());
    }

    [Fact]
    public void InnerJoin_RightTombstoneForAKeyNeverHeld_SendsNothing()
    {
        using var kit = new FkTestKit((l, r) => l.Join(r, Fk, (a, b) => $"({a},{b})"));
        kit.Left("k1", "v1|f1", 1);
        kit.Right("f1", null, 2); // Kafka: a tombstone for k1, which never had a result
        Assert.Empty(kit.Read());
        kit.Right("f1", "r1", 3);
        kit.Right("f1", null, 4);
        Assert.Equal(["k1=(v1|f1,r1)", "k1=null"], kit.Read());
    }
}
