using Braid.Serialization;
using Braid.State;

namespace Braid.Embedded.Queries;

/// <summary>One key–value store over the committed views of every task's partition of it.</summary>
internal sealed class CompositeKeyValueStore<TKey, TValue>(IReadOnlyList<IReadOnlyKeyValueStore<TKey, TValue>> parts) : IReadOnlyKeyValueStore<TKey, TValue>
{
    public long ApproximateCount => parts.Sum(p => p.ApproximateCount);

    public bool TryGet(TKey key, out TValue value)
    {
        foreach (var p in parts)
        {
            if (p.TryGet(key, out value)) return true;
        }
        value = default!;
        return false;
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => parts.SelectMany(p => p.Range(from, to));

    public IEnumerable<KeyValue<TKey, TValue>> All() => parts.SelectMany(p => p.All());

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) =>
        parts.SelectMany(p => p.PrefixScan(prefix, prefixSerde));
}

/// <summary>One window store over the committed views of every task's partition of it.</summary>
internal sealed class CompositeWindowStore<TKey, TValue>(IReadOnlyList<IReadOnlyWindowStore<TKey, TValue>> parts) : IReadOnlyWindowStore<TKey, TValue>
{
    public IEnumerable<TimestampedValue<TValue>> Fetch(TKey key, long timeFrom, long timeTo) =>
        parts.SelectMany(p => p.Fetch(key, timeFrom, timeTo)).OrderBy(v => v.Timestamp);

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        int n = 0;
        foreach (var p in parts) n += p.Fetch(key, timeFrom, timeTo, results);
        return n;
    }
}

/// <summary>One versioned store over the committed views of every task's partition of it.</summary>
internal sealed class CompositeVersionedStore<TKey, TValue>(IReadOnlyList<IVersionedKeyValueStore<TKey, TValue>> parts) : IReadOnlyVersionedStore<TKey, TValue>
{
    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        foreach (var p in parts)
        {
            if (p.TryGet(key, out record)) return true;
        }
        record = default;
        return false;
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        foreach (var p in parts)
        {
            if (p.TryGet(key, asOfTimestamp, out record)) return true;
        }
        record = default;
        return false;
    }
}
