using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Queries;

/// <summary>
/// One read-only key–value store over the partitions a host resolves on every call (so the view survives rebalances).
/// Each partition is read under its writer's lock and results are copied out before the lock is released, so a
/// query never sees a store half-way through a batch and never iterates one its thread is changing.
/// </summary>
internal sealed class CompositeKeyValueStore<TKey, TValue>(Func<IReadOnlyList<StorePart>> parts) : IReadOnlyKeyValueStore<TKey, TValue>
{
    public long ApproximateCount => parts().Sum(p => p.Read((IReadOnlyKeyValueStore<TKey, TValue> s) => s.ApproximateCount));

    public bool TryGet(TKey key, out TValue value)
    {
        foreach (var p in parts())
        {
            var (found, v) = p.Read((IReadOnlyKeyValueStore<TKey, TValue> s) => s.TryGet(key, out var x) ? (true, x) : (false, default!));
            if (found)
            {
                value = v;
                return true;
            }
        }
        value = default!;
        return false;
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => Collect(s => s.Range(from, to));

    public IEnumerable<KeyValue<TKey, TValue>> All() => Collect(s => s.All());

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) => Collect(s => s.PrefixScan(prefix, prefixSerde));

    private List<KeyValue<TKey, TValue>> Collect(Func<IReadOnlyKeyValueStore<TKey, TValue>, IEnumerable<KeyValue<TKey, TValue>>> read) =>
        parts().SelectMany(p => p.Read((IReadOnlyKeyValueStore<TKey, TValue> s) => read(s).ToList())).ToList();
}
