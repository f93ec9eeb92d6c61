using Braid.Internal.Diagnostics;

namespace Braid.Dashboard;

/// <summary>Where the dashboard's data comes from: the application in this process, or one attached through its socket.</summary>
internal interface IDashboardSource
{
    /// <summary>The application id (known before the first answer).</summary>
    string ApplicationId { get; }

    Task<TopologyInfo> TopologyAsync(CancellationToken cancellationToken);

    Task<ApplicationSnapshot> SnapshotAsync(string? deadLetterTopic, CancellationToken cancellationToken);

    Task<StoreLookup> LookupAsync(string store, string key, long? asOf, CancellationToken cancellationToken);
}
