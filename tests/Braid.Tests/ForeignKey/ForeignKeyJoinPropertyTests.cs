using Braid.Testing;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Random left/right updates at random (out-of-order) timestamps, including foreign-key changes, null foreign
/// keys and deletes: after every step the join's output, read as a table, equals the join computed from
/// scratch over the two tables, and every output carries the timestamp Kafka 4.0 gives it, computed by a
/// from-scratch model (<see cref="ExpectedTimestamps"/>); a right update's results come one per referencing left
/// row in the order of the left keys' bytes, as Kafka's subscription-store scan emits them (<see cref="ExpectedFanOut"/>;
/// left keys l0, l1, l4, l9, l16, l25, so byte order is not numeric order).
/// CsCheck prints the seed of a failing sample; replay it with Sample(..., seed: "that seed").
/// </summary>
public sealed class ForeignKeyJoinPropertyTests
{
    private static string? Fk(string v) => v.Split('|') is { Length: > 1 } t && t[1].Length > 0 ? t[1] : null;

    private static readonly Gen<(bool Left, string Key, string? Value, long Ts)> Step =
        Gen.Select(Gen.Bool, Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[-1, 4], Gen.Long[0, 100], (isLeft, k, v, fk, ts) =>
            isLeft
                ? (true, "l" + k * k, v == 0 ? null : $"v{v}|" + (fk < 0 ? "" : "f" + fk), ts)
                : (false, "f" + (k % 5), v == 0 ? null : "r" + v, ts));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForeignKeyJoin_EqualsJoinFromScratch_WithKafkasTimestamps_AfterEveryUpdate(bool leftJoin)
    {
        Step.Array[1, 60].Sample(steps =>
        {
            using var kit = leftJoin
                ? new FkTestKit((l, r) => l.LeftJoin(r, Fk, (a, b) => $"({a},{b ?? "null"})"))
                : new FkTestKit((l, r) => l.Join(r, Fk, (a, b) => $"({a},{b})"));
            var left = new Dictionary<string, (string Value, long Ts)>();
            var right = new Dictionary<string, (string Value, long Ts)>();
            foreach (var (isLeft, key, value, ts) in steps)
            {
                var stamps = ExpectedTimestamps(isLeft, key, value, ts, left, right, leftJoin);
                var fanOut = isLeft ? null : ExpectedFanOut(key, value, left, right);
                var table = isLeft ? left : right;
                if (value is null) table.Remove(key);
                else table[key] = (value, ts);
                if (isLeft) kit.Left(key, value, ts);
                else kit.Right(key, value, ts);
                var records = kit.ReadRecords();
                if (fanOut is not null)
                    Assert.True(fanOut.SequenceEqual(records.Select(r => r.Key!)),
                        $"right {key}={value}@{ts}: expected results for [{string.Join(",", fanOut)}] in that order, got [{string.Join(",", records.Select(r => r.Key))}]");
                foreach (var r in records)
                {
                    Assert.True(stamps.TryGetValue(r.Key!, out var expectedTs), $"output for {r.Key} after {(isLeft ? "left" : "right")} {key}={value}@{ts}, which cannot change its result");
                    Assert.True(expectedTs == r.Timestamp, $"{r.Key}={r.Value}: expected ts {expectedTs}, got {r.Timestamp}");
                }
                var expected = new Dictionary<string, string>();
                foreach (var (k, (v, _)) in left)
                {
                    var fk = Fk(v);
                    string? rv = fk is not null && right.TryGetValue(fk, out var row) ? row.Value : null;
                    if (rv is not null) expected[k] = $"({v},{rv})";
                    else if (leftJoin) expected[k] = $"({v},null)";
                }
                Assert.Equal(expected.OrderBy(e => e.Key), kit.Table.OrderBy(e => e.Key));
            }
        }, iter: 300);
    }

    /// <summary>
    /// The left keys a right update answers, in the order Kafka emits them: one response per subscriber of the
    /// right key, walked in the subscription store's key order — (foreign key bytes, left key bytes), so by the left
    /// key's serialized bytes (ForeignTableJoinProcessorSupplier's prefix scan of the store written by
    /// SubscriptionReceiveProcessorSupplier). A delete of an absent right row answers nobody.
    /// </summary>
    private static List<string> ExpectedFanOut(string key, string? value,
        Dictionary<string, (string Value, long Ts)> left, Dictionary<string, (string Value, long Ts)> right) =>
        value is null && !right.ContainsKey(key)
            ? []
            : left.Where(e => Fk(e.Value.Value) == key).Select(e => e.Key)
                .OrderBy(k => System.Text.Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();

    /// <summary>
    /// Kafka 4.0's result timestamps for the left keys one update may emit for, from the tables before it:
    /// a left update's answer comes from the foreign key it subscribes to (the new one, or the old one when the
    /// row is deleted or loses its key) with max(left ts, that right row's ts), or the left ts when that right
    /// row is absent (SubscriptionJoinProcessorSupplier); a right update reaches every left row referencing it
    /// with the right record's own ts (ForeignTableJoinProcessorSupplier).
    /// </summary>
    private static Dictionary<string, long> ExpectedTimestamps(bool isLeft, string key, string? value, long ts,
        Dictionary<string, (string Value, long Ts)> left, Dictionary<string, (string Value, long Ts)> right, bool leftJoin)
    {
        var stamps = new Dictionary<string, long>();
        if (!isLeft)
        {
            foreach (var (k, (v, _)) in left)
            {
                if (Fk(v) == key) stamps[k] = ts;
            }
            return stamps;
        }
        string? newFk = value is null ? null : Fk(value);
        string? oldFk = left.TryGetValue(key, out var old) ? Fk(old.Value) : null;
        // The answering key: the new subscription's, else the old key's delete-and-propagate.
        string? answering = value is not null && (newFk is not null || leftJoin) ? newFk : oldFk;
        stamps[key] = answering is not null && right.TryGetValue(answering, out var r) ? Math.Max(ts, r.Ts) : ts;
        return stamps;
    }
}
