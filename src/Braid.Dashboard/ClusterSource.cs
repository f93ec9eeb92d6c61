using System.Net.Http.Json;
using System.Text.Json;
using Braid.Internal.Diagnostics;
using Braid.Kafka.Diagnostics;

namespace Braid.Dashboard;

/// <summary>
/// A Kafka application seen through its cluster only (<c>braid ui --bootstrap-servers --application-id</c>): instances with
/// their active and standby tasks, the group's lag per input partition and the stores (changelog topics), from
/// <see cref="ClusterObserver"/>. Store lookups go to the instances that announce a queries endpoint (an
/// <c>ApplicationServer</c> of the form host:port serving <c>MapBraidQueries</c> at <c>/braid/queries</c>): each is asked for
/// the key among the partitions it holds; the first that has it answers. What only the instances' processes know —
/// the topology, processing counters, dropped records — the page names as not available in this mode.
/// </summary>
internal sealed class ClusterSource(ClusterObserver cluster, TimeSpan timeout) : IDashboardSource, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { Timeout = timeout };

    public static readonly IReadOnlyDictionary<string, string> NotAvailable = new Dictionary<string, string>
    {
        ["topology"] = "The topology picture is not available in the cluster view: the cluster holds no description of it. " +
            "Run braid ui --state-dir on an instance's machine, or map the dashboard in the application (app.MapBraidDashboard()).",
        ["throughput"] = "Throughput and latency are counted inside the instances' processes; the cluster view does not have them.",
        ["dropped"] = "Dropped records and dead letters are counted inside the instances' processes; the cluster view does not have them.",
    };

    public string ApplicationId => cluster.ApplicationId;

    public Task<TopologyInfo> TopologyAsync(CancellationToken cancellationToken) =>
        Task.Run(() => new TopologyInfo(cluster.ApplicationId, new TopologyDescription([], []), cluster.Snapshot().Stores), cancellationToken);

    public Task<ApplicationSnapshot> SnapshotAsync(string? deadLetterTopic, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the cluster view answers with DashboardSnapshotAsync");

    public Task<DashboardSnapshot> DashboardSnapshotAsync(MetricsHistory metrics, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var s = cluster.Snapshot();
        var tasks = s.Instances.SelectMany(i => i.Tasks.Select(t => new TaskRow(t, TaskSnapshot.Active, i.Host, 0, 0))
                .Concat(i.StandbyTasks.Select(t => new TaskRow(t, TaskSnapshot.Standby, i.Host, 0, 0))))
            .OrderBy(t => t.Task, StringComparer.Ordinal).ThenBy(t => t.Status, StringComparer.Ordinal).ToList();
        var lag = s.Lag.Select(l => new LagRow(l.Topic, l.Partition, l.Lag)).ToList();
        string state = s.Instances.Count == 0 ? "NoInstances" : "Cluster";
        string? error = s.Instances.Count == 0 ? $"No instance of '{cluster.ApplicationId}' announced itself in the last 30 s (none running?)." : null;
        return new DashboardSnapshot(cluster.ApplicationId, state, error, 0, 0, null, null, tasks, lag, metrics.Update(0, 0, 0))
        {
            Instances = s.Instances.Select(i => new InstanceRow(i.Host, i.Tasks, i.StandbyTasks)).ToList(),
            NotAvailable = NotAvailable,
        };
    }, cancellationToken);

    public async Task<StoreLookup> LookupAsync(string store, string key, long? asOf, CancellationToken cancellationToken)
    {
        var endpoints = cluster.Instances().Select(i => i.Host).Where(h => Uri.TryCreate("http://" + h, UriKind.Absolute, out var u) && u.Port > 0 && h.Contains(':', StringComparison.Ordinal)).ToList();
        if (endpoints.Count == 0)
            return new StoreLookup(store, key, false, null, "no instance announces a queries endpoint (ApplicationServer = host:port with app.MapBraidQueries()): " +
                "store lookups in the cluster view go through one");
        var refusals = new List<string>();
        foreach (var host in endpoints)
        {
            string url = $"http://{host}/braid/queries/stores/{Uri.EscapeDataString(store)}/get?key={Uri.EscapeDataString(key)}" + (asOf is { } t ? $"&asOf={t}" : "");
            try
            {
                using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    // The instance's own refusal (unknown store, not running, …), worded as every query error is.
                    string message = body.TryGetProperty("message", out var m) ? m.GetString() ?? "" : response.StatusCode.ToString();
                    if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return new StoreLookup(store, key, false, null, message);
                    refusals.Add($"{host}: {message}");
                    continue;
                }
                if (body.TryGetProperty("found", out var f) && f.GetBoolean())
                    return new StoreLookup(store, key, true, body.TryGetProperty("value", out var v) ? v : null, null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                refusals.Add($"{host}: {e.Message}");
            }
        }
        return refusals.Count == 0
            ? new StoreLookup(store, key, false, null, null)
            : new StoreLookup(store, key, false, null, $"not found on the instances that answered; no answer from {string.Join("; ", refusals)}");
    }

    public void Dispose()
    {
        _http.Dispose();
        cluster.Dispose();
    }
}
