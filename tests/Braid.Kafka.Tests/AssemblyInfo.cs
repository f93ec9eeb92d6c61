// Every test runs its own mock cluster, topics and groups, so test classes run in parallel: their time is mostly waiting
// on group protocol timers (session timeouts, rebalances), not CPU. Four at a time keeps the suite quick on a 2-core
// machine without starving the stream threads; tests wait for conditions with generous timeouts, never on wall-clock speed.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 4)]

namespace Braid.Kafka.Tests;

/// <summary>
/// Tests that arm process-wide failpoints (every application in the process would hit them) run in this collection:
/// after the parallel ones, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: process-wide failpoints";
}
