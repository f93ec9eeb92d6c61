using Braid.Internal.State;
using Braid.State;

namespace Braid.RocksDb;

/// <summary>
/// The bounded scan from the start (<see cref="IRangeScanInto{TKey,TValue}"/>): the stream–stream left join's emit
/// pass reads only its held records below the expiry bound (keys are timestamp first), merged with pending writes
/// as every scan is, and seeking from the committed floor (<see cref="CommittedFloor"/>) past the tombstones of the
/// records already emitted. Before, the pass copied every held record (the empty prefix) and stopped in memory:
/// the held store was a fifth of the RocksDB left join (issue 19, session 13).
/// </summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue> : IRangeScanInto<TKey, TValue>
{
    public void ScanBelowInto(byte[] upperExclusive, List<KeyValue<TKey, TValue>> output)
    {
        output.Clear();
        Merge(null, upperExclusive, inclusiveUpper: false, output);
    }
}
