using System.Text.Json;
using Braid.Embedded;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Braid.Dashboard;

/// <summary>Maps the Braid dashboard into an ASP.NET Core application.</summary>
public static class BraidDashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Serves the live dashboard of a <see cref="BraidApplication"/> at <see cref="BraidDashboardOptions.Path"/>:
    /// the page, <c>/topology.svg</c>, <c>/api/snapshot</c>, <c>/api/store/{store}?key=K[&amp;asOf=T]</c> and
    /// <c>/events</c> (server-sent events, one snapshot per update interval). It has no authentication: map it
    /// behind your own (<c>.RequireAuthorization()</c> on the returned builder) or on a private port.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="options">Path, application and dead-letter topic (defaults when null).</param>
    /// <returns>A builder for conventions on every dashboard endpoint (authorization, CORS).</returns>
    public static IEndpointConventionBuilder MapBraidDashboard(this IEndpointRouteBuilder endpoints, BraidDashboardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new BraidDashboardOptions();
        var time = endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var metrics = new MetricsSampler(time);
        BraidApplication App() => options.Application ?? endpoints.ServiceProvider.GetRequiredService<BraidApplication>();
        var group = endpoints.MapGroup(options.Path.TrimEnd('/'));
        string page = Page();

        group.MapGet("/", (HttpContext http) =>
        {
            // The page reads its data relative to its own path, so the trailing slash matters.
            if (!http.Request.Path.Value!.EndsWith('/')) return Results.Redirect(http.Request.PathBase + http.Request.Path + "/");
            return Results.Content(page, "text/html; charset=utf-8");
        });
        group.MapGet("/topology.svg", () => Results.Content(TopologySvg.Render(App().Describe()), "image/svg+xml"));
        group.MapGet("/api/topology", () => Results.Json(new { text = App().Describe().ToString(), mermaid = App().Describe().ToMermaid(), stores = App().StoreNames }, Json));
        group.MapGet("/api/snapshot", () => Results.Json(DashboardSnapshot.Take(App(), metrics, options.DeadLetterTopic), Json));
        group.MapGet("/api/store/{store}", (string store, string key, long? asOf) => Results.Json(StoreBrowser.Lookup(App(), store, key, asOf), Json));
        group.MapGet("/events", async (HttpContext http) =>
        {
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var token = http.RequestAborted;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    var json = JsonSerializer.Serialize(DashboardSnapshot.Take(App(), metrics, options.DeadLetterTopic), Json);
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

    private static string Page()
    {
        using var stream = typeof(BraidDashboardEndpoints).Assembly.GetManifestResourceStream("Braid.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from Braid.Dashboard.dll.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
