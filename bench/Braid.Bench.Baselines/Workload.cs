namespace Braid.Bench.Baselines;

internal enum Workload
{
    StreamTable, StreamStreamInner, StreamStreamLeft, TableTable, ForeignKey, VersionedStreamTable, Timeline, WindowedCount,
    NexmarkQ3, NexmarkQ4, NexmarkQ5, NexmarkQ7, NexmarkQ8, NexmarkQ9, StreamStreamOuter,
}

internal static class WorkloadNames
{
    /// <summary>The workloads every implementation runs (Streamiz included).</summary>
    public static readonly Workload[] All =
        [Workload.StreamTable, Workload.StreamStreamInner, Workload.StreamStreamLeft, Workload.TableTable, Workload.WindowedCount];

    /// <summary>
    /// Workloads Streamiz has no operator for (foreign-key joins, versioned tables), or none with Kafka 4.x's semantics
    /// (its outer join emits unmatched records eagerly, pre-KIP-633): Braid and plain C# only.
    /// </summary>
    public static readonly Workload[] BraidOnly = [Workload.ForeignKey, Workload.VersionedStreamTable, Workload.Timeline, Workload.StreamStreamOuter];

    /// <summary>The Nexmark queries (bench/Braid.Bench/Nexmark): persons, auctions and bids from the Nexmark generator.</summary>
    public static readonly Workload[] Nexmark =
        [Workload.NexmarkQ3, Workload.NexmarkQ4, Workload.NexmarkQ5, Workload.NexmarkQ7, Workload.NexmarkQ8, Workload.NexmarkQ9];

    public static string Name(this Workload w) => w switch
    {
        Workload.StreamTable => "stream-table",
        Workload.StreamStreamInner => "stream-stream-inner",
        Workload.StreamStreamLeft => "stream-stream-left",
        Workload.StreamStreamOuter => "stream-stream-outer",
        Workload.TableTable => "table-table",
        Workload.ForeignKey => "fk-table-table",
        Workload.VersionedStreamTable => "versioned-stream-table",
        Workload.Timeline => "timeline",
        Workload.WindowedCount => "windowed-count",
        Workload.NexmarkQ3 => "nexmark-q3",
        Workload.NexmarkQ4 => "nexmark-q4",
        Workload.NexmarkQ5 => "nexmark-q5",
        Workload.NexmarkQ7 => "nexmark-q7",
        Workload.NexmarkQ8 => "nexmark-q8",
        Workload.NexmarkQ9 => "nexmark-q9",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };

    public static Workload Parse(string s) =>
        All.Concat(Nexmark).FirstOrDefault(w => w.Name() == s, (Workload)(-1)) is var w && (int)w >= 0
            ? w
            : throw new ArgumentException($"unknown workload '{s}' (known: {string.Join(",", All.Concat(Nexmark).Select(Name))})");

    public static bool IsStreamStream(this Workload w) => w is Workload.StreamStreamInner or Workload.StreamStreamLeft or Workload.StreamStreamOuter;

    /// <summary>Workloads whose state is a window store (Streamiz's in-memory one is very slow, so its runs are capped).</summary>
    public static bool UsesWindowStore(this Workload w) => w.IsStreamStream() || w == Workload.WindowedCount;

    /// <summary>
    /// Whether Streamiz must match the plain count. Its left join emits unmatched records eagerly (pre-KIP-633), so only
    /// that one may differ; Braid must match plain everywhere.
    /// </summary>
    public static bool IsInner(this Workload w) => w is not (Workload.StreamStreamLeft or Workload.StreamStreamOuter);
}

/// <summary>Join parameters shared by every implementation (Kafka Streams semantics).</summary>
internal static class JoinSpec
{
    /// <summary>JoinWindows ±5 s: before = after = 5000 ms.</summary>
    public const long BeforeMs = 5_000, AfterMs = 5_000;
    /// <summary>Grace 0 (JoinWindows.ofTimeDifferenceWithNoGrace).</summary>
    public const long GraceMs = 0;

    /// <summary>windowed-count: tumbling windows of 10 s, grace 0 (TimeWindows.ofSizeWithNoGrace).</summary>
    public const long WindowSizeMs = 10_000;

    /// <summary>The value joiner used everywhere: "left-right" ("left-" when right is null).</summary>
    public static string Join(string left, string? right) => string.Concat(left, "-", right);
}
