using System.Net.Http.Json;
using System.Text.Json;
using Braid.Kafka;
using Braid.Serialization;
using Braid.State;

namespace Braid.Queries;

/// <summary>
/// Looks keys up wherever they live: asks the local instance's <see cref="BraidKafkaApplication.QueryMetadataForKey"/>
/// which instance runs the key's task, reads the local store when that is this instance, and otherwise calls that
/// instance's <see cref="BraidQueryEndpoints.MapBraidQueries"/> endpoint at its <c>ApplicationServer</c> — the routing
/// every Kafka Streams user writes by hand. Store types are checked locally first (every instance runs the same
/// topology), and refusals from the other side arrive as the same exception types with the same messages. During a
/// rebalance a call can fail with <see cref="StateStoreMigratedException"/>: retry it, routing is asked again each call.
/// </summary>
public sealed class BraidQueryClient
{
    private readonly HttpClient _http;
    private readonly BraidKafkaApplication _local;
    private readonly BraidQueryClientOptions _options;

    /// <summary>Creates the client.</summary>
    /// <param name="http">The HTTP client used for other instances (from <c>IHttpClientFactory</c> in a service).</param>
    /// <param name="local">This instance (its routing metadata and its own stores).</param>
    /// <param name="options">Scheme and path of the other instances' endpoints (defaults when null).</param>
    public BraidQueryClient(HttpClient http, BraidKafkaApplication local, BraidQueryClientOptions? options = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _options = options ?? new BraidQueryClientOptions();
    }

    /// <summary>The value of a key in a key–value store (use <c>ValueAndTimestamp&lt;V&gt;</c> as <typeparamref name="TValue"/> for a table's or aggregate's store).</summary>
    /// <param name="store">The store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="keySerde">The key serde the topology partitions by (the type's default when null).</param>
    /// <param name="cancellationToken">Cancels the remote call.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>Whether it was found, the value, and the instance that answered.</returns>
    public Task<KeyQueryResult<TValue>> GetAsync<TKey, TValue>(string store, TKey key, Serde<TKey>? keySerde = null, CancellationToken cancellationToken = default) =>
        Route(store, key, keySerde, QueryableStoreKind.KeyValue, typeof(TValue),
            p => _local.GetKeyValueStore<TKey, TValue>(store, p).TryGet(key, out var v) ? (true, v) : (false, default),
            (host, p) => Remote<QueryWire.Answer<TValue>>(host, store, "get", key, p, "", cancellationToken), r => (r.Found, r.Value));

    /// <summary>The version of a key in a versioned store: the latest, or the one valid at <paramref name="asOf"/>.</summary>
    /// <param name="store">The store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="asOf">The point in time (ms), or null for the latest version.</param>
    /// <param name="keySerde">The key serde the topology partitions by (the type's default when null).</param>
    /// <param name="cancellationToken">Cancels the remote call.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>Whether a version was found, the version, and the instance that answered.</returns>
    public Task<KeyQueryResult<VersionedRecord<TValue>>> GetAsOfAsync<TKey, TValue>(string store, TKey key, long? asOf, Serde<TKey>? keySerde = null,
        CancellationToken cancellationToken = default) =>
        Route(store, key, keySerde, QueryableStoreKind.Versioned, typeof(TValue),
            p =>
            {
                var s = _local.GetVersionedStore<TKey, TValue>(store, p);
                return (asOf is { } t ? s.TryGet(key, t, out var r) : s.TryGet(key, out r)) ? (true, r) : (false, default);
            },
            (host, p) => Remote<QueryWire.Answer<VersionedRecord<TValue>>>(host, store, "get", key, p, asOf is { } t ? $"&asOf={t}" : "", cancellationToken),
            r => (r.Found, r.Value));

    /// <summary>The values of a key in a window store from <paramref name="from"/> to <paramref name="to"/> (use
    /// <c>ValueAndTimestamp&lt;V&gt;</c> as <typeparamref name="TValue"/> for a windowed aggregation's store).</summary>
    /// <param name="store">The store name.</param>
    /// <param name="key">The key.</param>
    /// <param name="from">The lowest timestamp (window start), inclusive.</param>
    /// <param name="to">The highest timestamp (window start), inclusive.</param>
    /// <param name="keySerde">The key serde the topology partitions by (the type's default when null).</param>
    /// <param name="cancellationToken">Cancels the remote call.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The values in timestamp order (found when not empty) and the instance that answered.</returns>
    public Task<KeyQueryResult<IReadOnlyList<TimestampedValue<TValue>>>> FetchAsync<TKey, TValue>(string store, TKey key, long from, long to,
        Serde<TKey>? keySerde = null, CancellationToken cancellationToken = default) =>
        Route(store, key, keySerde, QueryableStoreKind.Window, typeof(TValue),
            p =>
            {
                IReadOnlyList<TimestampedValue<TValue>> found = _local.GetWindowStore<TKey, TValue>(store, p).Fetch(key, from, to).ToList();
                return (found.Count > 0, found);
            },
            (host, p) => Remote<List<TimestampedValue<TValue>>>(host, store, "fetch", key, p, $"&from={from}&to={to}", cancellationToken),
            r => (r.Count > 0, (IReadOnlyList<TimestampedValue<TValue>>?)r));

    private async Task<KeyQueryResult<TResult>> Route<TKey, TResult, TWire>(string store, TKey key, Serde<TKey>? keySerde, QueryableStoreKind kind, Type value,
        Func<StoreQueryParameters, (bool, TResult?)> local, Func<string, StoreQueryParameters, Task<TWire>> remote, Func<TWire, (bool, TResult?)> unwrap)
    {
        ArgumentNullException.ThrowIfNull(store);
        _local.CheckQuery(store, kind, typeof(TKey), value); // a wrong type fails here, with the same words as a local query
        var metadata = _local.QueryMetadataForKey(store, key, keySerde);
        string host = metadata.ActiveHost ?? throw new StateStoreMigratedException(store,
            $"Store '{store}' partition {metadata.Partition} has no running instance now (a rebalance is in progress); retry.");
        var parameters = new StoreQueryParameters { Partition = metadata.Partition };
        var (found, result) = host == _local.InstanceId ? local(parameters) : unwrap(await remote(host, parameters).ConfigureAwait(false));
        return new KeyQueryResult<TResult>(found, result, host);
    }

    private async Task<T> Remote<T>(string host, string store, string operation, object? key, StoreQueryParameters p, string extra, CancellationToken cancellationToken)
    {
        string json = Uri.EscapeDataString(JsonSerializer.Serialize(key, QueryWire.Json));
        var uri = new Uri($"{_options.Scheme}://{host}{_options.PathPrefix.TrimEnd('/')}/stores/{Uri.EscapeDataString(store)}/{operation}?key={json}&partition={p.Partition}{extra}");
        using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await ReadError(response, cancellationToken).ConfigureAwait(false);
            throw error is null
                ? new HttpRequestException($"Query of store '{store}' at {host} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode)
                : QueryWire.Rebuild(error);
        }
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize<T>(body, QueryWire.Json)!;
        }
        catch (JsonException e)
        {
            throw new JsonException($"The answer of {host} for store '{store}' is not a {typeof(T).Name} in JSON (is the value type right?): {body}", e);
        }
    }

    private static async Task<QueryWire.Error?> ReadError(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<QueryWire.Error>(QueryWire.Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null; // not our endpoint's answer (a proxy's error page): reported as an HTTP failure
        }
    }
}
