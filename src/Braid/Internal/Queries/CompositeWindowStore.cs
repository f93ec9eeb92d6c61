using Braid.State;

namespace Braid.Internal.Queries;

/// <summary>One read-only window store over the partitions a host resolves on every call (see <see cref="CompositeKeyValueStore{TKey,TValue}"/>).</summary>
internal sealed class CompositeWindowStore<TKey, TValue>(Func<IReadOnlyList<StorePart>> parts) : IReadOnlyWindowStore<TKey, TValue>
{
    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        int before = results.Count;
        // A key lives in one partition, so the parts' answers never interleave; sorting keeps the contract if they did.
        var found = parts().SelectMany(p => p.Read((IReadOnlyWindowStore<TKey, TValue> s) => s.Fetch(key, timeFrom, timeTo).ToList()));
        results.AddRange(found.OrderBy(v => v.Timestamp));
        return results.Count - before;
    }
}
