using System.Diagnostics.Metrics;
using Braid.Internal;

namespace Braid.Kafka.Internal;

/// <summary>Kafka-host instruments (System.Diagnostics.Metrics: OpenTelemetry and dotnet-counters see them).</summary>
internal static class KafkaMetrics
{
    public static readonly Meter Meter = new("Braid.Kafka", "1.0");

    /// <summary>Running instances reporting <see cref="ConsumerLag"/>.</summary>
    public static readonly MeasurementSources LagSources = new();

    /// <summary>Running instances reporting <see cref="StandbyLag"/>.</summary>
    public static readonly MeasurementSources StandbyLagSources = new();

    /// <summary>Unprocessed input records per running instance (tagged with application and instance id).</summary>
    public static readonly ObservableGauge<long> ConsumerLag = Meter.CreateObservableGauge("braid.kafka.consumer.lag", LagSources.Observe, "records",
        "Records in the input partitions of an instance's tasks not processed yet (refreshed at each commit).");

    /// <summary>Changelog records the standby replicas of an instance are behind (tagged with application and instance id).</summary>
    public static readonly ObservableGauge<long> StandbyLag = Meter.CreateObservableGauge("braid.kafka.standby.lag", StandbyLagSources.Observe, "records",
        "Changelog records an instance's standby replicas have not applied yet.");

    public static readonly Counter<long> StandbyRecords =
        Meter.CreateCounter<long>("braid.kafka.standby.records", "records", "Changelog records applied to standby replicas.");

    public static readonly Counter<long> RestoredRecords =
        Meter.CreateCounter<long>("braid.kafka.restore.records", "records", "Changelog records applied to stores while restoring tasks.");

    public static readonly Counter<long> RestoredTasks =
        Meter.CreateCounter<long>("braid.kafka.restore.tasks", "tasks", "Tasks whose stores finished restoring.");

    public static readonly Counter<long> Commits =
        Meter.CreateCounter<long>("braid.kafka.commits", "commits", "Offset commits (transactions under exactly-once).");

    public static readonly Counter<long> TaskRebuilds =
        Meter.CreateCounter<long>("braid.kafka.task.rebuilds", "tasks", "Tasks closed dirty and rebuilt after a producer or transaction failure.");
}
