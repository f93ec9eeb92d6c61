using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.State;

/// <summary>
/// A key–value store that copies the entries of a serialized-key prefix into a list the caller reuses. The
/// foreign-key and many-to-many joins prefix-scan their subscription or index store on every right-side update;
/// <c>IKeyValueStore.PrefixScan</c> builds a new list per scan from a serialized prefix, an upper
/// bound and an enumerator — a sixth of the foreign-key join's allocation (issue 19).
/// </summary>
internal interface IPrefixScanInto<TKey, TValue>
{
    /// <summary>Fills <paramref name="output"/> (cleared first) with the entries whose serialized key starts with
    /// <paramref name="prefix"/>, in serialized-key order: the result of <c>PrefixScan</c>, and like it a snapshot
    /// (the caller may write to the store while it walks <paramref name="output"/>). <paramref name="prefix"/> is read
    /// only during the call, never kept (the foreign-key join reuses its array for the next scan).</summary>
    void PrefixScanInto(byte[] prefix, List<KeyValue<TKey, TValue>> output);

    /// <summary>Clears <paramref name="output"/> and fills it with the prefix's entries of <paramref name="store"/>;
    /// a store without the fast path (a query view, a user's store) is scanned through <c>PrefixScan</c>.</summary>
    static void ScanInto(IKeyValueStore<TKey, TValue> store, byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        if (store is IPrefixScanInto<TKey, TValue> fast) fast.PrefixScanInto(prefix, output);
        else output.AddRange(store.PrefixScan(prefix, Serdes.ByteArray));
    }
}
