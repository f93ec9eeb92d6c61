using Braid.State;

namespace Braid.Internal.Diagnostics;

/// <summary>
/// What a host shows the dashboard and its diagnostics socket: the embedded <c>BraidApplication</c> and the Kafka host's
/// <c>BraidKafkaApplication</c> implement it, so one handler, one socket server and one page serve both.
/// Every member reads the running application without stopping it (the host takes its own locks).
/// </summary>
internal interface IDiagnosticsTarget : IQueryableStores
{
    string ApplicationId { get; }

    /// <summary>The topology as it runs here (the Kafka host names internal topics as they are on the cluster).</summary>
    TopologyDescription DescribeTopology();

    /// <summary>The state's name (<see cref="StreamsState"/>) and the error that stopped the application, if any.</summary>
    (string State, string? Error) Status { get; }

    /// <summary>Every task this instance holds — running, restoring and standby — with its thread, counters and lag.</summary>
    IReadOnlyList<TaskSnapshot> SnapshotTasks();

    /// <summary>
    /// For a key not found here: where it is instead, when that is another instance (the Kafka host's task for the key is
    /// not on this instance), so the browser does not say "not found" for a key it cannot see. Null otherwise.
    /// </summary>
    string? KeyElsewhere(string store, Type keyType, object key) => null;

    /// <summary>Records in a dead-letter topic (null when the topic does not exist or cannot be read now).</summary>
    long? DeadLetterRecords(string topic);
}
