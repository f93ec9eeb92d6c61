using Braid.Bench.Baselines;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Bench;

/// <summary>
/// The record-driven workloads on Braid's TopologyTestDriver with in-memory or RocksDB stores: bytes in
/// (pre-serialized before timing), deserialized by the sources, joined, counted by a sink inside the topology.
/// </summary>
internal static class BraidWorkloads
{
    public const long VersionedHistoryRetentionMs = PlainReference.VersionedHistoryRetentionMs;

    /// <summary><c>BENCH_COMMIT_EVERY_RECORDS=N</c> (diagnostic, issue 19 session 18): the RocksDB rows commit every N
    /// records instead of every 100 ms, so every pass makes the same commits whatever its speed (see bench/README, "A
    /// RocksDB row's two levels").</summary>
    private static readonly int? CommitEveryRecords =
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_COMMIT_EVERY_RECORDS"), out int n) && n > 0 ? n : null;

    /// <summary>Builds a fresh driver for the workload (untimed) and returns the timed part plus the output counter.</summary>
    public static (Action Run, Func<long> Outputs) Prepare(Dataset data, StoreKind kind = StoreKind.Memory)
    {
        var outputs = new Counter();
        var (topology, leftTopic, rightTopic) = Build(data.Workload, outputs);
        var stores = new BenchStores(kind, CommitEveryRecords);
        var driver = stores.CreateDriver(topology);
        if (data.Workload == Workload.StreamTable)
        {
            for (int k = 0; k < data.Keys.Length; k++) driver.Pipe(rightTopic, data.KeyBytes[k], data.TableValueBytes[k], Dataset.T0, null);
        }
        void Run()
        {
            for (int i = 0; i < data.Count; i++)
            {
                int k = data.KeyIdx[i];
                driver.Pipe(data.IsLeft(i) ? leftTopic : rightTopic, data.KeyBytes[k], data.ValueBytes[i], data.Ts[i], null);
                stores.AfterRecord(i);
            }
            driver.Dispose();
            stores.Dispose();
        }
        return (Run, () => outputs.Value);
    }

    /// <summary>The workload's topology, counting outputs in a sink inside it, and its two input topics (the same one twice for single-input workloads).</summary>
    public static (Topology Topology, string Left, string Right) Build(Workload workload, Counter outputs)
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        string leftTopic, rightTopic;
        switch (workload)
        {
            case Workload.StreamTable:
                {
                    var table = b.Table("table", strings);
                    b.Stream("stream", strings).Join(table, JoinSpec.Join).Foreach((_, _) => outputs.Value++);
                    (leftTopic, rightTopic) = ("stream", "table");
                    break;
                }
            case Workload.TableTable:
                b.Table("a", strings).Join(b.Table("b", strings), JoinSpec.Join).ToStream().Foreach((_, _) => outputs.Value++);
                (leftTopic, rightTopic) = ("a", "b");
                break;
            case Workload.StreamStreamInner:
            case Workload.StreamStreamLeft:
                {
                    var windows = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(JoinSpec.AfterMs));
                    var l = b.Stream("left", strings);
                    var r = b.Stream("right", strings);
                    var joined = workload == Workload.StreamStreamInner
                        ? l.Join(r, JoinSpec.Join, windows)
                        : l.LeftJoin(r, JoinSpec.Join, windows);
                    joined.Foreach((_, _) => outputs.Value++);
                    (leftTopic, rightTopic) = ("left", "right");
                    break;
                }
            case Workload.StreamStreamOuter:
                {
                    // The same input and windows as stream-stream-left; both sides hold their unmatched records.
                    var windows = JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(JoinSpec.AfterMs));
                    var joined = b.Stream("left", strings).OuterJoin(b.Stream("right", strings), (l, r) => string.Concat(l, "-", r), windows);
                    joined.Foreach((_, _) => outputs.Value++);
                    (leftTopic, rightTopic) = ("left", "right");
                    break;
                }
            case Workload.WindowedCount:
                b.Stream("stream", strings).GroupByKey()
                    .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(JoinSpec.WindowSizeMs)))
                    .Count().ToStream().Foreach((_, _) => outputs.Value++);
                (leftTopic, rightTopic) = ("stream", "stream");
                break;
            case Workload.ForeignKey:
                // Both sides are read via IsLeft: left rows (with their foreign key in the value) and right rows.
                b.Table("left", strings)
                    .Join(b.Table("right", strings), v => Dataset.ForeignKeyOf(v), JoinSpec.Join)
                    .ToStream().Foreach((_, _) => outputs.Value++);
                (leftTopic, rightTopic) = ("left", "right");
                break;
            case Workload.VersionedStreamTable:
                {
                    var versioned = new Materialized<string, string>
                    {
                        StoreName = "versions", VersionedHistoryRetention = TimeSpan.FromMilliseconds(VersionedHistoryRetentionMs),
                    };
                    var table = b.Table("table", strings, versioned);
                    b.Stream("stream", strings).Join(table, JoinSpec.Join).Foreach((_, _) => outputs.Value++);
                    (leftTopic, rightTopic) = ("stream", "table");
                    break;
                }
            default:
                throw new NotSupportedException($"Braid does not run workload {workload.Name()} through this path.");
        }
        return (b.Build(), leftTopic, rightTopic);
    }
}

/// <summary>Output counter shared with a topology's sink (a class, so a stream thread's increments are seen after it goes idle).</summary>
internal sealed class Counter
{
    public long Value;
}
