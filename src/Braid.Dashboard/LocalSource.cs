using Braid.Embedded;
using Braid.Embedded.Diagnostics;

namespace Braid.Dashboard;

/// <summary>The application in this process, asked directly (the same answers its diagnostics socket gives).</summary>
internal sealed class LocalSource(Func<BraidApplication> app) : IDashboardSource
{
    public string ApplicationId => app().Options.Streams.ApplicationId;

    public Task<TopologyInfo> TopologyAsync(CancellationToken cancellationToken) => Task.FromResult(DiagnosticsHandler.Topology(app()));

    public Task<ApplicationSnapshot> SnapshotAsync(string? deadLetterTopic, CancellationToken cancellationToken) =>
        Task.FromResult(DiagnosticsHandler.Snapshot(app(), deadLetterTopic));

    public Task<StoreLookup> LookupAsync(string store, string key, long? asOf, CancellationToken cancellationToken) =>
        Task.FromResult(StoreBrowser.Lookup(app(), store, key, asOf));
}
