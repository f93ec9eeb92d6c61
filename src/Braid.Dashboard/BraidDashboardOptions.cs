using Braid.Embedded;
using Braid.Kafka;

namespace Braid.Dashboard;

/// <summary>Where the dashboard is served and what it shows.</summary>
public sealed record BraidDashboardOptions
{
    /// <summary>The URL path of the page (its data is served below it). Default <c>/braid</c>.</summary>
    public string Path { get; init; } = "/braid";

    /// <summary>
    /// The embedded application to show; with neither this nor <see cref="KafkaApplication"/> set (nor
    /// <see cref="AttachStateDirectory"/>), the <see cref="BraidApplication"/> registered by <c>AddBraid</c>, else the
    /// <see cref="BraidKafkaApplication"/> registered by <c>AddBraidKafka</c>.
    /// </summary>
    public BraidApplication? Application { get; init; }

    /// <summary>
    /// A Kafka-host application in this process to show (instead of <see cref="Application"/>); null with neither set
    /// resolves the <see cref="BraidKafkaApplication"/> registered by <c>AddBraidKafka</c>. The page is the same: its tasks
    /// (active, restoring and standby) with their stream threads, the consumer lag per input partition, and store lookups
    /// through its interactive queries.
    /// </summary>
    public BraidKafkaApplication? KafkaApplication { get; init; }

    /// <summary>
    /// Shows an application running in another process instead: the state directory it runs in. The dashboard
    /// talks to it only through its diagnostics socket (<see cref="BraidApplicationOptions.DiagnosticsSocket"/>);
    /// store lookups run in that application with its own serdes. This is what <c>braid ui --state-dir</c> does.
    /// </summary>
    public string? AttachStateDirectory { get; init; }

    /// <summary>
    /// With <see cref="AttachStateDirectory"/>: which application, when several run in that directory. With
    /// <see cref="AttachBootstrapServers"/>: the application to show (required).
    /// </summary>
    public string? AttachApplicationId { get; init; }

    /// <summary>
    /// Shows a Kafka application from its cluster alone, with no access to its machines (<c>braid ui --bootstrap-servers</c>):
    /// its live instances and their active and standby tasks (the instances' announcements), the consumer group's lag per
    /// input partition (admin client), its stores (changelog topics), and store lookups through the instances that announce
    /// a queries endpoint (<c>ApplicationServer</c> host:port serving <c>MapBraidQueries</c>). The topology picture,
    /// throughput, latency and dropped records exist only inside the instances: the page says they are not available.
    /// Needs <see cref="AttachApplicationId"/>. An unreachable cluster or an unknown application id is a
    /// <see cref="DiagnosticsUnavailableException"/> when mapping.
    /// </summary>
    public string? AttachBootstrapServers { get; init; }

    /// <summary>With <see cref="AttachBootstrapServers"/>: how long a cluster request may take (default 10 s).</summary>
    public TimeSpan AttachTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A dead-letter topic whose record count the page shows (null: none).</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>How often the page is sent a fresh snapshot. Default 500 ms.</summary>
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
