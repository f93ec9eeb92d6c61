using Braid.Internal.Diagnostics;

namespace Braid.Dashboard;

/// <summary>An application in another process, asked through its diagnostics socket (one connection per request).</summary>
internal sealed class RemoteSource(DiagnosticsClient client) : IDashboardSource
{
    public string ApplicationId => client.ApplicationId;

    public Task<TopologyInfo> TopologyAsync(CancellationToken cancellationToken) =>
        client.RequestAsync<TopologyInfo>(Request("topology"), cancellationToken);

    public Task<ApplicationSnapshot> SnapshotAsync(string? deadLetterTopic, CancellationToken cancellationToken) =>
        client.RequestAsync<ApplicationSnapshot>(Request("snapshot") with { DeadLetterTopic = deadLetterTopic }, cancellationToken);

    public Task<StoreLookup> LookupAsync(string store, string key, long? asOf, CancellationToken cancellationToken) =>
        client.RequestAsync<StoreLookup>(Request("lookup") with { Store = store, Key = key, AsOf = asOf }, cancellationToken);

    private static DiagnosticsRequest Request(string op) => new(DiagnosticsProtocol.Version, op);
}
