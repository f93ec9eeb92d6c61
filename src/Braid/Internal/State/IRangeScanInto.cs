using Braid.State;

namespace Braid.Internal.State;

/// <summary>
/// A key–value store that copies the entries below a serialized-key bound into a list the caller reuses: a scan from
/// the start that stops early. A time-ordered buffer (the stream–stream left join's held records, keyed timestamp
/// first) reads only its expired entries this way instead of all of them (<see cref="IPrefixScanInto{TKey,TValue}"/>
/// with the empty prefix copied every held record per emit pass, issue 19).
/// </summary>
internal interface IRangeScanInto<TKey, TValue>
{
    /// <summary>Fills <paramref name="output"/> (cleared first) with the entries whose serialized key is below
    /// <paramref name="upperExclusive"/>, in serialized-key order; a snapshot (the caller may write to the store while
    /// it walks <paramref name="output"/>). <paramref name="upperExclusive"/> is read only during the call.</summary>
    void ScanBelowInto(byte[] upperExclusive, List<KeyValue<TKey, TValue>> output);

    /// <summary>Clears <paramref name="output"/> and fills it with the entries of <paramref name="store"/> below the
    /// bound; a store without the fast path is read whole (the caller stops at its own bound).</summary>
    static void ScanBelow(IKeyValueStore<TKey, TValue> store, byte[] upperExclusive, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        if (store is IRangeScanInto<TKey, TValue> fast) fast.ScanBelowInto(upperExclusive, output);
        else IPrefixScanInto<TKey, TValue>.ScanInto(store, [], output);
    }
}
