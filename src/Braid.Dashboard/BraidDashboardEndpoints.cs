using System.Text.Json;
using Braid.Embedded;
using Braid.Kafka;
using Braid.Internal.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Braid.Dashboard;

/// <summary>Maps the Braid dashboard into an ASP.NET Core application.</summary>
public static class BraidDashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Serves the live dashboard of a <see cref="BraidApplication"/> or a <see cref="BraidKafkaApplication"/> at <see cref="BraidDashboardOptions.Path"/>:
    /// the page, <c>/topology.svg</c>, <c>/api/snapshot</c>, <c>/api/store/{store}?key=K[&amp;asOf=T]</c> and
    /// <c>/events</c> (server-sent events, one snapshot per update interval). The application is the one in this
    /// process, or, with <see cref="BraidDashboardOptions.AttachStateDirectory"/>, one in another process reached
    /// through its diagnostics socket (checked here: a <see cref="DiagnosticsUnavailableException"/> says why it
    /// cannot be reached; if it closes later, the page shows it disconnected and why, and picks it up again when it
    /// comes back). With <see cref="BraidDashboardOptions.AttachBootstrapServers"/> it shows a Kafka application from its
    /// cluster alone (instances, their tasks and standbys, the group's lag, lookups through announced queries endpoints;
    /// the page names what that view cannot show). It has no authentication: map it behind your own (<c>.RequireAuthorization()</c> on the
    /// returned builder) or on a private port.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="options">Path, application and dead-letter topic (defaults when null).</param>
    /// <returns>A builder for conventions on every dashboard endpoint (authorization, CORS).</returns>
    public static IEndpointConventionBuilder MapBraidDashboard(this IEndpointRouteBuilder endpoints, BraidDashboardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new BraidDashboardOptions();
        var time = endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var source = Source(endpoints, options);
        var metrics = new MetricsHistory(time);
        var group = endpoints.MapGroup(options.Path.TrimEnd('/'));
        string page = Page();

        async Task<DashboardSnapshot> Snapshot(CancellationToken token)
        {
            try
            {
                if (source is ClusterSource cluster) return await cluster.DashboardSnapshotAsync(metrics, token).ConfigureAwait(false);
                return DashboardSnapshot.From(await source.SnapshotAsync(options.DeadLetterTopic, token).ConfigureAwait(false), metrics, options.DeadLetterTopic);
            }
            catch (DiagnosticsUnavailableException e)
            {
                return DashboardSnapshot.Unreachable(source.ApplicationId, e.Message, metrics, options.DeadLetterTopic);
            }
        }

        group.MapGet("/", (HttpContext http) =>
        {
            // The page reads its data relative to its own path, so the trailing slash matters.
            if (!http.Request.Path.Value!.EndsWith('/')) return Results.Redirect(http.Request.PathBase + http.Request.Path + "/");
            return Results.Content(page, "text/html; charset=utf-8");
        });
        // An attached application that cannot be reached answers 503 with the reason (the page retries when it is back).
        group.MapGet("/topology.svg", async (CancellationToken token) =>
        {
            try
            {
                return Results.Content(TopologySvg.Render((await source.TopologyAsync(token).ConfigureAwait(false)).Description), "image/svg+xml");
            }
            catch (DiagnosticsUnavailableException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        group.MapGet("/api/topology", async (CancellationToken token) =>
        {
            try
            {
                var t = await source.TopologyAsync(token).ConfigureAwait(false);
                return Results.Json(new { application = t.Application, text = t.Description.ToString(), mermaid = t.Description.ToMermaid(), stores = t.Stores }, Json);
            }
            catch (DiagnosticsUnavailableException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        group.MapGet("/api/snapshot", async (CancellationToken token) => Results.Json(await Snapshot(token).ConfigureAwait(false), Json));
        group.MapGet("/api/store/{store}", async (string store, string key, long? asOf, CancellationToken token) =>
        {
            try
            {
                return Results.Json(await source.LookupAsync(store, key, asOf, token).ConfigureAwait(false), Json);
            }
            catch (StreamsException e)
            {
                return Results.Json(new StoreLookup(store, key, false, null, e.Message), Json);
            }
        });
        group.MapGet("/events", async (HttpContext http) =>
        {
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var token = http.RequestAborted;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    var json = JsonSerializer.Serialize(await Snapshot(token).ConfigureAwait(false), Json);
                    await http.Response.WriteAsync($"data: {json}\n\n", token).ConfigureAwait(false);
                    await http.Response.Body.FlushAsync(token).ConfigureAwait(false);
                    await Task.Delay(options.UpdateInterval, time, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The browser went away.
            }
        });
        return group;
    }

    private static IDashboardSource Source(IEndpointRouteBuilder endpoints, BraidDashboardOptions options)
    {
        if (options.AttachBootstrapServers is { } bootstrap)
        {
            if (options.AttachApplicationId is not { } id)
                throw new ArgumentException("AttachBootstrapServers needs AttachApplicationId (the application to show).", nameof(options));
            if (options.AttachStateDirectory is not null || options.Application is not null || options.KafkaApplication is not null)
                throw new ArgumentException("AttachBootstrapServers (a cluster view) cannot be combined with AttachStateDirectory, Application or KafkaApplication.", nameof(options));
            // Checked now, at start-up: a wrong address or application id is reported before anything is served.
            var source = new ClusterSource(Braid.Kafka.Diagnostics.ClusterObserver.Connect(bootstrap, id, options.AttachTimeout), options.AttachTimeout);
            endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(source.Dispose);
            return source;
        }
        if (options.AttachStateDirectory is not { } stateDirectory)
        {
            if (options.AttachApplicationId is not null)
                throw new ArgumentException("AttachApplicationId needs AttachStateDirectory or AttachBootstrapServers (where the application runs).", nameof(options));
            if (options.Application is not null && options.KafkaApplication is not null)
                throw new ArgumentException("Set Application (embedded) or KafkaApplication, not both.", nameof(options));
            return new LocalSource(() => (IDiagnosticsTarget?)options.Application ?? options.KafkaApplication ?? Registered(endpoints.ServiceProvider));
        }
        if (options.Application is not null || options.KafkaApplication is not null)
            throw new ArgumentException("Set Application or KafkaApplication (this process) or AttachStateDirectory (another process), not both.", nameof(options));
        // Mapping runs once at start-up, synchronously: waiting here reports a wrong directory before anything is served.
        return new RemoteSource(DiagnosticsClient.AttachAsync(stateDirectory, options.AttachApplicationId).GetAwaiter().GetResult());
    }

    // AddBraid registers a BraidApplication, AddBraidKafka a BraidKafkaApplication; one of them must be there.
    private static IDiagnosticsTarget Registered(IServiceProvider services) =>
        (IDiagnosticsTarget?)services.GetService<BraidApplication>() ?? services.GetService<BraidKafkaApplication>()
        ?? throw new InvalidOperationException("MapBraidDashboard found no application: register one with AddBraid or AddBraidKafka, " +
            "or set BraidDashboardOptions.Application / KafkaApplication (or AttachStateDirectory for one in another process).");

    private static string Page()
    {
        using var stream = typeof(BraidDashboardEndpoints).Assembly.GetManifestResourceStream("Braid.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from Braid.Dashboard.dll.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
