using Braid.Serialization;

namespace Braid.Embedded.Diagnostics;

/// <summary>
/// Answers diagnostics requests from a running application's own objects: its topology description, task
/// snapshots, and store lookups through its interactive queries (so values are read with its own serdes).
/// The dashboard in the same process calls this directly; another process reaches it through the socket.
/// </summary>
internal static class DiagnosticsHandler
{
    public static object Handle(BraidApplication app, DiagnosticsRequest request) => request.Op switch
    {
        "topology" => Topology(app),
        "snapshot" => Snapshot(app, request.DeadLetterTopic),
        "lookup" => StoreBrowser.Lookup(app, Required(request.Store, "store"), Required(request.Key, "key"), request.AsOf),
        _ => throw new ArgumentException($"unknown diagnostics operation '{request.Op}' (topology, snapshot, lookup)"),
    };

    public static TopologyInfo Topology(BraidApplication app) =>
        new(app.Options.Streams.ApplicationId, app.Describe(), app.StoreNames.Order(StringComparer.Ordinal).ToList());

    public static ApplicationSnapshot Snapshot(BraidApplication app, string? deadLetterTopic) =>
        new(app.Options.Streams.ApplicationId, app.State.ToString(), app.Error?.Message, app.SnapshotTasks(),
            deadLetterTopic is null ? null : DeadLetters(app, deadLetterTopic));

    // The dead-letter topic's visible records (null while the topic does not exist yet).
    private static long? DeadLetters(BraidApplication app, string topic)
    {
        try
        {
            return app.CreateReader(topic, Serdes.ByteArray, Serdes.ByteArray).Remaining;
        }
        catch (Exception e) when (e is StreamsException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static string Required(string? value, string name) =>
        value ?? throw new ArgumentException($"a lookup needs a {name}");
}
