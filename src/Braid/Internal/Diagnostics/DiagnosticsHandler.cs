namespace Braid.Internal.Diagnostics;

/// <summary>
/// Answers diagnostics requests from a running application's own objects (either host, through
/// <see cref="IDiagnosticsTarget"/>): its topology description, task snapshots, and store lookups through its
/// interactive queries (so values are read with its own serdes). The dashboard in the same process calls this
/// directly; another process reaches it through the socket.
/// </summary>
internal static class DiagnosticsHandler
{
    public static object Handle(IDiagnosticsTarget app, DiagnosticsRequest request) => request.Op switch
    {
        "topology" => Topology(app),
        "snapshot" => Snapshot(app, request.DeadLetterTopic),
        "lookup" => StoreBrowser.Lookup(app, Required(request.Store, "store"), Required(request.Key, "key"), request.AsOf),
        _ => throw new ArgumentException($"unknown diagnostics operation '{request.Op}' (topology, snapshot, lookup)"),
    };

    public static TopologyInfo Topology(IDiagnosticsTarget app) =>
        new(app.ApplicationId, app.DescribeTopology(), app.DescribeStores().Select(s => s.Name).Order(StringComparer.Ordinal).ToList());

    public static ApplicationSnapshot Snapshot(IDiagnosticsTarget app, string? deadLetterTopic)
    {
        var (state, error) = app.Status;
        return new(app.ApplicationId, state, error, app.SnapshotTasks(), deadLetterTopic is null ? null : app.DeadLetterRecords(deadLetterTopic));
    }

    private static string Required(string? value, string name) =>
        value ?? throw new ArgumentException($"a lookup needs a {name}");
}
