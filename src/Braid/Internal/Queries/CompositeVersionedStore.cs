using Braid.State;

namespace Braid.Internal.Queries;

/// <summary>One read-only versioned store over the partitions a host resolves on every call (see <see cref="CompositeKeyValueStore{TKey,TValue}"/>).</summary>
internal sealed class CompositeVersionedStore<TKey, TValue>(Func<IReadOnlyList<StorePart>> parts) : IReadOnlyVersionedStore<TKey, TValue>
{
    public bool TryGet(TKey key, out VersionedRecord<TValue> record) => First(s => s.TryGet(key, out var r) ? (true, r) : (false, default), out record);

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record) =>
        First(s => s.TryGet(key, asOfTimestamp, out var r) ? (true, r) : (false, default), out record);

    private bool First(Func<IReadOnlyVersionedStore<TKey, TValue>, (bool, VersionedRecord<TValue>)> read, out VersionedRecord<TValue> record)
    {
        foreach (var p in parts())
        {
            var (found, r) = p.Read(read);
            if (found)
            {
                record = r;
                return true;
            }
        }
        record = default;
        return false;
    }
}
