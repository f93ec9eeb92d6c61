using Braid.Internal.Diagnostics;

namespace Braid.Dashboard;

/// <summary>
/// The application in this process — embedded or Kafka host — asked directly (the same answers its diagnostics socket
/// gives), resolved on each use (a singleton from the service provider) so the page can be mapped before the host builds it.
/// </summary>
internal sealed class LocalSource(Func<IDiagnosticsTarget> resolve) : IDashboardSource
{
    private IDiagnosticsTarget App => resolve();

    public string ApplicationId => App.ApplicationId;

    public Task<TopologyInfo> TopologyAsync(CancellationToken cancellationToken) => Task.FromResult(DiagnosticsHandler.Topology(App));

    public Task<ApplicationSnapshot> SnapshotAsync(string? deadLetterTopic, CancellationToken cancellationToken) =>
        Task.FromResult(DiagnosticsHandler.Snapshot(App, deadLetterTopic));

    public Task<StoreLookup> LookupAsync(string store, string key, long? asOf, CancellationToken cancellationToken) =>
        Task.FromResult(StoreBrowser.Lookup(App, store, key, asOf));
}
