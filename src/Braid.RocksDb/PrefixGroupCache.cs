namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; the store rejects null keys before they get here.

/// <summary>
/// Whole key groups of a RocksDB key–value store whose key serde groups its keys (<see cref="IGroupedKeys{TKey}"/>: a
/// foreign-key join's subscriptions by foreign key, a many-to-many join's index by attribute), kept in memory after a
/// prefix scan read them, so the next scan of the group is a dictionary lookup. Kafka's ForeignTableJoinProcessorSupplier
/// prefix-scans the subscription store on every right-table update (a RocksDB iterator seek merged with the record
/// cache's dirty keys); here that was a fifth of the RocksDB foreign-key join's time, plus the sorted index of pending
/// keys the scans need (issue 19, session 7).
/// <list type="bullet">
/// <item>A cached group is the store's merged view (committed state and pending writes) when it was scanned, then kept
/// equal to it by every <see cref="Put"/> and <see cref="Delete"/> of the store: a write to a group that is not cached
/// changes nothing here (its next scan reads it). Groups known to be empty are cached too (a right-table key nobody
/// references).</item>
/// <item>The same contract as the store's value cache: <see cref="Clear"/> when pending writes are discarded (a failed
/// commit); a commit keeps it, since it only makes the pending writes committed. Restores write through the store.</item>
/// <item>Bounded by entries: when a group would take it over the bound, the cache is emptied and refills from scans
/// (simple, and a store of a few groups per right-table key fits whole for the default bound).</item>
/// </list>
/// Entries hold the objects written, like the store's pending writes and value cache; callers get copies in lists.
/// </summary>
internal sealed class PrefixGroupCache<TKey, TValue>(IGroupedKeys<TKey> keys, int maxEntries)
{
    private const int StackLimit = 128;
    private readonly Dictionary<byte[], List<Member>> _groups = new(ByteSpanComparer.Instance);
    private int _entries;

    /// <summary>Cached groups (tests).</summary>
    internal int GroupCount => _groups.Count;

    /// <summary>Fills <paramref name="output"/> with the group when <paramref name="prefix"/> is a cached group.</summary>
    public bool TryScan(byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        if (!_groups.TryGetValue(prefix, out var group)) return false;
        for (int i = 0; i < group.Count; i++) output.Add(new KeyValue<TKey, TValue>(group[i].Key, group[i].Value));
        return true;
    }

    /// <summary>Remembers what a scan of <paramref name="prefix"/> found (in key byte order), when it is a whole group.</summary>
    public void Learn(byte[] prefix, List<KeyValue<TKey, TValue>> scanned)
    {
        if (!keys.IsGroup(prefix) || scanned.Count + 1 > maxEntries) return;
        if (_entries + scanned.Count + 1 > maxEntries) Clear();
        var group = new List<Member>(Math.Max(scanned.Count, 2));
        foreach (var e in scanned) group.Add(new Member(keys.MemberOf(e.Key), e.Key, e.Value));
        _groups[prefix.AsSpan().ToArray()] = group;
        _entries += scanned.Count + 1; // an empty group is an entry too: the bound also limits the number of groups
    }

    /// <summary>The store wrote <paramref name="key"/>: a cached group keeps up.</summary>
    public void Put(TKey key, TValue value)
    {
        if (_groups.Count == 0 || GroupOf(key, stackalloc byte[StackLimit]) is not { } group) return;
        var member = MemberBytes(key, stackalloc byte[StackLimit]);
        int i = Find(group, member);
        if (i >= 0)
        {
            group[i] = new Member(group[i].Bytes, key, value);
            return;
        }
        if (_entries + 1 > maxEntries)
        {
            Clear();
            return;
        }
        group.Insert(~i, new Member(member.ToArray(), key, value));
        _entries++;
    }

    /// <summary>The store deleted <paramref name="key"/>: a cached group keeps up.</summary>
    public void Delete(TKey key)
    {
        if (_groups.Count == 0 || GroupOf(key, stackalloc byte[StackLimit]) is not { } group) return;
        int i = Find(group, MemberBytes(key, stackalloc byte[StackLimit]));
        if (i < 0) return;
        group.RemoveAt(i);
        _entries--;
    }

    public void Clear()
    {
        _groups.Clear();
        _entries = 0;
    }

    /// <summary>The key's cached group, looked up with its group bytes written on the stack when they fit.</summary>
    private List<Member>? GroupOf(TKey key, Span<byte> stack)
    {
        int n = keys.WriteGroup(key, stack);
        if (n < 0) return _groups.TryGetValue(keys.GroupOf(key), out var g) ? g : null;
        return _groups.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(stack[..n], out var group) ? group : null;
    }

    /// <summary>The key's member bytes, written into <paramref name="stack"/> when they fit.</summary>
    private ReadOnlySpan<byte> MemberBytes(TKey key, Span<byte> stack)
    {
        int n = keys.WriteMember(key, stack);
        return n >= 0 ? stack[..n] : keys.MemberOf(key);
    }

    private static int Find(List<Member> group, ReadOnlySpan<byte> member)
    {
        int lo = 0, hi = group.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = group[mid].Bytes.AsSpan().SequenceCompareTo(member);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    private readonly record struct Member(byte[] Bytes, TKey Key, TValue Value);
}
