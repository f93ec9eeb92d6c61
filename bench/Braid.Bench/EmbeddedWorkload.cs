using Braid.Bench.Baselines;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Bench;

/// <summary>
/// The record-driven workloads on the embedded runtime (Braid.Embedded): exactly-once, RocksDB state backend, local
/// log topics, one partition and one stream thread, default commit interval (100 ms). The input is written to the
/// input topics before timing; the timed part is start → every record processed and committed
/// (<see cref="BraidApplication.WaitForIdleAsync"/>), so it includes start-up and every commit (the last one too);
/// closing the idle application, disposing it and deleting its directory are untimed since session 8
/// (<see cref="EmbeddedPhases"/>: what close does, and the check that it commits nothing).
/// Held left-join results are released without the wall-clock throttle (OuterJoinEmitInterval 0, as in the driver), so
/// the left-join count can be checked against the reference. Two workloads are left out because their output count is
/// legitimately different there: versioned-stream-table (the runtime reads its two topics in timestamp order, the
/// driver and the reference in arrival order; with out-of-order timestamps both results are valid) and fk-table-table
/// (subscriptions and responses travel through internal topics, so later updates overtake them and Kafka's hash check
/// drops stale responses: fewer, equally correct, intermediate results).
/// </summary>
internal static class EmbeddedWorkload
{
    public const string Impl = "braid-embedded";

    public static bool Supports(Workload w) => w is not (Workload.VersionedStreamTable or Workload.ForeignKey);

    public static (Action Run, Func<long> Outputs) Prepare(Dataset data)
    {
        EmbeddedPhases.ClosePending(); // the previous pass's application, untimed
        var outputs = new Counter();
        var (topology, leftTopic, rightTopic) = BraidWorkloads.Build(data.Workload, outputs);
        string dir = Path.Combine(Path.GetTempPath(), "braid-bench-embedded-" + Guid.NewGuid().ToString("N"));
        long opening = System.Diagnostics.Stopwatch.GetTimestamp();
        var app = new BraidApplication(topology, new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = "braid-bench-" + data.Workload.Name(), OuterJoinEmitInterval = TimeSpan.Zero },
            StateDirectory = dir,
        });
        EmbeddedPhases.Opened(System.Diagnostics.Stopwatch.GetElapsedTime(opening));
        var left = app.CreateProducer(leftTopic, Serdes.String, Serdes.String);
        var right = leftTopic == rightTopic ? left : app.CreateProducer(rightTopic, Serdes.String, Serdes.String);
        var leftRecords = new List<TopicRecord<string, string>>();
        var rightRecords = leftTopic == rightTopic ? leftRecords : new List<TopicRecord<string, string>>();
        if (data.Workload == Workload.StreamTable)
        {
            // Before every stream record in timestamp order, which is the order the runtime reads its inputs in.
            for (int k = 0; k < data.Keys.Length; k++) rightRecords.Add(new(data.Keys[k], data.TableValues[k], Dataset.T0 - 1));
        }
        for (int i = 0; i < data.Count; i++)
            (data.IsLeft(i) ? leftRecords : rightRecords).Add(new(data.Keys[data.KeyIdx[i]], data.Values[i], data.Ts[i]));
        // One batch per topic (one write per partition) instead of a write per record: same log contents, and the
        // untimed input preparation no longer dominates the row's wall time.
        left.Send(leftRecords);
        if (right != left) right.Send(rightRecords);
        left.Flush();
        right.Flush();
        void Run() => EmbeddedPhases.Run(app, dir, data.Workload.Name());
        return (Run, () => Volatile.Read(ref outputs.Value));
    }
}
