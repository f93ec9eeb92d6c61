using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Random left/right updates (including foreign-key changes, null foreign keys and deletes): after every
/// step the join's output, read as a table, equals the join computed from scratch over the two tables.
/// CsCheck prints the seed of a failing sample; replay it with Sample(..., seed: "that seed").
/// </summary>
public sealed class ForeignKeyJoinPropertyTests
{
    private static string? Fk(string v) => v.Split('|') is { Length: > 1 } t && t[1].Length > 0 ? t[1] : null;

    private static readonly Gen<(bool Left, string Key, string? Value)> Step =
        Gen.Select(Gen.Bool, Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[-1, 4], (isLeft, k, v, fk) =>
            isLeft
                ? (true, "l" + k, v == 0 ? null : $"v{v}|" + (fk < 0 ? "" : "f" + fk))
                : (false, "f" + (k % 5), v == 0 ? null : "r" + v));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForeignKeyJoin_EqualsJoinFromScratch_AfterEveryUpdate(bool leftJoin)
    {
        Step.Array[1, 60].Sample(steps =>
        {
            using var kit = leftJoin
                ? new FkTestKit((l, r) => l.LeftJoin(r, Fk, (a, b) => $"({a},{b ?? "null"})"))
                : new FkTestKit((l, r) => l.Join(r, Fk, (a, b) => $"({a},{b})"));
            var left = new Dictionary<string, string>();
            var right = new Dictionary<string, string>();
            long ts = 0;
            foreach (var (isLeft, key, value) in steps)
            {
                var table = isLeft ? left : right;
                if (value is null) table.Remove(key);
                else table[key] = value;
                if (isLeft) kit.Left(key, value, ++ts);
                else kit.Right(key, value, ++ts);
                kit.Read();
                var expected = new Dictionary<string, string>();
                foreach (var (k, v) in left)
                {
                    var fk = Fk(v);
                    string? r = fk is not null && right.TryGetValue(fk, out var rv) ? rv : null;
                    if (r is not null) expected[k] = $"({v},{r})";
                    else if (leftJoin) expected[k] = $"({v},null)";
                }
                Assert.Equal(expected.OrderBy(e => e.Key), kit.Table.OrderBy(e => e.Key));
            }
        }, iter: 300);
    }
}
