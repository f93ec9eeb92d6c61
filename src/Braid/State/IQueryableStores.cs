using Braid.Internal.Queries;

namespace Braid.State;

/// <summary>
/// Interactive queries (Kafka Streams' <c>KafkaStreams.store</c> with <c>QueryableStoreTypes</c>): read-only views of
/// a running topology's stores, the same on every host — the <c>TopologyTestDriver</c>, the embedded
/// <c>BraidApplication</c> and the Kafka host. A view spans every partition of the store this instance holds and
/// resolves them again on each call, so it stays usable across rebalances.
/// Errors are the same everywhere: <see cref="UnknownStateStoreException"/> (no such store),
/// <see cref="InvalidStateStoreException"/> (the store is of another type: the message names both),
/// <see cref="StateStoreNotAvailableException"/> (the application is not running) and
/// <see cref="StateStoreMigratedException"/> (the store is not on this instance now: retry after routing).
/// <para>A host implements <see cref="DescribeStores"/> and the internal resolve step (which partitions of a store
/// this instance holds, under which lock); the typed getters are written once, in <see cref="QueryableStoresExtensions"/>.</para>
/// </summary>
public interface IQueryableStores
{
    /// <summary>Every store of the topology with its kind and types (what the getters of <see cref="QueryableStoresExtensions"/> accept), ordered by name.</summary>
    /// <returns>The stores.</returns>
    IReadOnlyList<QueryableStoreInfo> DescribeStores();

    /// <summary>
    /// The host's part of every getter: checks now that the store exists, is of <paramref name="kind"/> and has these
    /// types (so a bad name fails at once), and returns the store's partitions on this instance, resolved again on
    /// every call (so a view survives rebalances).
    /// </summary>
    internal Func<IReadOnlyList<StorePart>> Resolve(string name, QueryableStoreKind kind, Type key, Type value, StoreQueryParameters? parameters);
}
