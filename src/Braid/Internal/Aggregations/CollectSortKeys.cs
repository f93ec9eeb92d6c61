namespace Braid.Internal.Aggregations;

/// <summary>
/// Whether an in-memory Collect keeps its members' sort keys beside them (<see cref="MemberColumn{T}.Keys{TSort}"/>).
/// On by default; the benchmark turns it off (<c>BENCH_COLLECT_SORT_KEYS=0</c>) to measure what the keys buy against
/// what they cost (16 B per timeline member, issue 19 s12-tl). Read when a Collect node is initialized.
/// </summary>
internal static class CollectSortKeys
{
    public static bool Enabled { get; set; } = true;
}
