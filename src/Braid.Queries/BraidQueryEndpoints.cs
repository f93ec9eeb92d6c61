using System.Text.Json;
using Braid.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Braid.Queries;

/// <summary>Maps remote interactive queries into an ASP.NET Core application (the endpoint <see cref="BraidQueryClient"/> calls).</summary>
public static class BraidQueryEndpoints
{
    /// <summary>
    /// Serves this instance's stores over HTTP, read through <see cref="IQueryableStores"/> (registered by <c>AddBraidKafka</c>;
    /// any host works): <c>GET {prefix}/stores</c> lists them; <c>GET {prefix}/stores/{store}/get?key=K[&amp;asOf=T]</c> looks a key up
    /// in a key–value, timestamped or versioned store; <c>GET {prefix}/stores/{store}/fetch?key=K&amp;from=A&amp;to=B</c> reads a window
    /// or session store. Keys and values are JSON (web defaults; a string key may also be given bare); optional
    /// <c>partition=P</c> and <c>stale=true</c> are <see cref="StoreQueryParameters"/>. Store errors answer 404 (unknown store),
    /// 503 (not running), 409 (not on this instance: route again) or 400, with the exception's type and message as JSON.
    /// No authentication: add yours with <c>.RequireAuthorization()</c> on the returned builder, or map it on a private port.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="pathPrefix">Where to map (default <c>/braid/queries</c>; <see cref="BraidQueryClientOptions.PathPrefix"/> must match).</param>
    /// <param name="stores">The stores to serve; by default the <see cref="IQueryableStores"/> service, resolved per request.</param>
    /// <returns>A builder for conventions on the query endpoints (authorization, rate limits).</returns>
    public static IEndpointConventionBuilder MapBraidQueries(this IEndpointRouteBuilder endpoints, string pathPrefix = "/braid/queries", IQueryableStores? stores = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pathPrefix);
        IQueryableStores Stores(HttpContext http) => stores ?? http.RequestServices.GetRequiredService<IQueryableStores>();
        var group = endpoints.MapGroup(pathPrefix.TrimEnd('/'));
        group.MapGet("/stores", (HttpContext http) => Results.Json(Stores(http).DescribeStores()
            .Select(s => new { s.Name, Kind = s.Kind.ToString(), KeyType = s.KeyType.Name, ValueType = s.ValueType.Name, s.IsGlobal }), QueryWire.Json));
        group.MapGet("/stores/{store}/get", (HttpContext http, string store, string key, long? asOf, int? partition, bool? stale) =>
            Answer(http, store, (q, info, reader, p) =>
            {
                var (found, value) = reader.Get(q, info, ParseKey(key, reader.KeyType), asOf, p);
                return new QueryWire.Answer<object>(found, value);
            }, partition, stale));
        group.MapGet("/stores/{store}/fetch", (HttpContext http, string store, string key, long from, long to, int? partition, bool? stale) =>
            Answer(http, store, (q, info, reader, p) => reader.Fetch(q, info, ParseKey(key, reader.KeyType), from, to, p), partition, stale));
        return group;

        IResult Answer(HttpContext http, string store, Func<IQueryableStores, QueryableStoreInfo, StoreReader, StoreQueryParameters, object> read, int? partition, bool? stale)
        {
            var q = Stores(http);
            try
            {
                var info = q.DescribeStores().FirstOrDefault(s => s.Name == store);
                // An unknown name gets the host's own wording: ask the host for it.
                if (info is null) q.GetKeyValueStore<string, string>(store);
                var parameters = new StoreQueryParameters { Partition = partition, EnableStaleStores = stale ?? false };
                return Results.Json(read(q, info!, StoreReader.For(info!), parameters), QueryWire.Json);
            }
            catch (InvalidStateStoreException e)
            {
                return Results.Json(new QueryWire.Error(e.GetType().Name, e.Store, e.Message), QueryWire.Json, statusCode: (int)QueryWire.Status(e));
            }
            catch (Exception e) when (e is JsonException or FormatException or NotSupportedException)
            {
                return Results.Json(new QueryWire.Error("BadRequest", store, $"the key could not be read: {e.Message}"), QueryWire.Json, statusCode: 400);
            }
        }
    }

    private static object ParseKey(string key, Type type)
    {
        if (type == typeof(string) && !key.StartsWith('"')) return key;
        return JsonSerializer.Deserialize(key, type, QueryWire.Json) ?? throw new FormatException($"the key must be a JSON {type.Name}, not null");
    }
}
