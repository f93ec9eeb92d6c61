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
/// <item>The same contract as the store's value cache: <see cref="Forget"/> when pending writes are discarded (a failed
/// commit); a commit keeps it, since it only makes the pending writes committed. Restores write through the store.</item>
/// <item>Bounded by entries: when a group would take it over the bound, the cache is emptied and refills from scans
/// (simple, and a store of a few groups per right-table key fits whole for the default bound).</item>
/// <item><em>Complete</em> (<see cref="Start"/>): when the store held no key at all as the cache began tracking it (a new
/// task's store, or one whose pending writes were discarded over an empty committed state), every key the store holds
/// went through <see cref="Put"/>, so the cache holds every group: a write to a group not held creates it, a group
/// emptied by a delete goes, and a scan of a group not held is answered "empty". No scan of a group then reads RocksDB
/// or needs the store's sorted index of pending keys (rebuilt after every commit by the first scan of an uncached group
/// and kept by every write until the next: 6–9 % of the RocksDB foreign-key join, issue 19, sessions 14–15). Being
/// emptied for the bound ends it, until the pending writes are discarded.</item>
/// </list>
/// Entries hold the objects written, like the store's pending writes and value cache; callers get copies in lists.
/// </summary>
internal sealed class PrefixGroupCache<TKey, TValue>(IGroupedKeys<TKey> keys, int maxEntries)
{
    private const int StackLimit = 128;
    private const int MaxSpare = 64;
    private readonly Dictionary<byte[], List<Member>> _groups = new(ByteSpanComparer.Instance);
    private int _entries;
    private Tracking _tracking;

    // Groups emptied while complete, with their prefix arrays, kept for the next new group: a foreign key's last
    // subscriber often moves away as another key's first arrives (a list and an array per move otherwise).
    private readonly Stack<(byte[] Prefix, List<Member> Members)> _spare = new();

    private enum Tracking : byte { Unknown, Complete, Partial }

    /// <summary>Cached groups (tests).</summary>
    internal int GroupCount => _groups.Count;

    /// <summary>Whether the cache holds every group of the store (tests).</summary>
    internal bool IsComplete => _tracking == Tracking.Complete;

    /// <summary>Whether <see cref="Start"/> must be called before the store's next write or scan.</summary>
    public bool Started => _tracking != Tracking.Unknown;

    /// <summary>Begins tracking the store: <paramref name="storeEmpty"/> when it holds no key, committed or pending, so the
    /// cache holds every group from now on.</summary>
    public void Start(bool storeEmpty) => _tracking = storeEmpty ? Tracking.Complete : Tracking.Partial;

    /// <summary>Fills <paramref name="output"/> with the group when <paramref name="prefix"/> is a cached group, or with
    /// nothing when it is a group the complete cache does not hold (an empty one).</summary>
    public bool TryScan(byte[] prefix, List<KeyValue<TKey, TValue>> output)
    {
        if (!_groups.TryGetValue(prefix, out var group)) return _tracking == Tracking.Complete && keys.IsGroup(prefix);
        for (int i = 0; i < group.Count; i++) output.Add(new KeyValue<TKey, TValue>(group[i].Key, group[i].Value));
        return true;
    }

    /// <summary>Remembers what a scan of <paramref name="prefix"/> found (in key byte order), when it is a whole group.</summary>
    public void Learn(byte[] prefix, List<KeyValue<TKey, TValue>> scanned)
    {
        if (!keys.IsGroup(prefix) || scanned.Count + 1 > maxEntries) return;
        if (_entries + scanned.Count + 1 > maxEntries) Drop();
        var group = new List<Member>(Math.Max(scanned.Count, 2));
        foreach (var e in scanned) group.Add(new Member(keys.MemberOf(e.Key), e.Key, e.Value));
        _groups[prefix.AsSpan().ToArray()] = group;
        _entries += scanned.Count + 1; // an empty group is an entry too: the bound also limits the number of groups
    }

    /// <summary>The store wrote <paramref name="key"/>: a cached group keeps up.</summary>
    public void Put(TKey key, TValue value)
    {
        bool complete = _tracking == Tracking.Complete;
        if (_groups.Count == 0 && !complete) return;
        Span<byte> groupStack = stackalloc byte[StackLimit];
        if (GroupOf(key, groupStack, out var groupBytes) is not { } group)
        {
            if (!complete) return; // not cached: its next scan reads it
            if (_entries + 2 > maxEntries)
            {
                Drop();
                return;
            }
            group = AddGroup(groupBytes);
        }
        var member = MemberBytes(key, stackalloc byte[StackLimit]);
        int i = Find(group, member);
        if (i >= 0)
        {
            group[i] = new Member(group[i].Bytes, key, value);
            return;
        }
        if (_entries + 1 > maxEntries)
        {
            Drop();
            return;
        }
        group.Insert(~i, new Member(member.ToArray(), key, value));
        _entries++;
    }

    /// <summary>The store deleted <paramref name="key"/>: a cached group keeps up.</summary>
    public void Delete(TKey key)
    {
        if (_groups.Count == 0) return;
        Span<byte> groupStack = stackalloc byte[StackLimit];
        if (GroupOf(key, groupStack, out var groupBytes) is not { } group) return;
        int i = Find(group, MemberBytes(key, stackalloc byte[StackLimit]));
        if (i < 0) return;
        group.RemoveAt(i);
        _entries--;
        // A complete cache answers a group it does not hold as empty: an emptied group goes (with a partial cache it
        // stays, a known-empty group that spares its next scan a RocksDB seek).
        if (group.Count == 0 && _tracking == Tracking.Complete)
        {
            _groups.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(groupBytes, out var prefix, out _);
            _entries--;
            if (_spare.Count < MaxSpare) _spare.Push((prefix!, group));
        }
    }

    /// <summary>The pending writes were discarded: nothing is known, tracking starts again at the next write or scan.</summary>
    public void Forget()
    {
        Drop();
        _tracking = Tracking.Unknown;
    }

    // Emptied for the bound (or a discard): writes to groups no longer held were not seen, so the cache is partial.
    private void Drop()
    {
        _groups.Clear();
        _spare.Clear();
        _entries = 0;
        _tracking = Tracking.Partial;
    }

    private List<Member> AddGroup(ReadOnlySpan<byte> groupBytes)
    {
        (byte[] prefix, List<Member> group) = _spare.TryPop(out var spare) ? spare : (null!, new List<Member>(2));
        if (prefix is null || prefix.Length != groupBytes.Length) prefix = new byte[groupBytes.Length];
        groupBytes.CopyTo(prefix);
        _groups.Add(prefix, group);
        _entries++; // a group is an entry too (as in Learn)
        return group;
    }

    /// <summary>The key's cached group, looked up with its group bytes written on the stack when they fit; the bytes are
    /// returned either way (a complete cache adds the group under them).</summary>
    private List<Member>? GroupOf(TKey key, Span<byte> stack, out ReadOnlySpan<byte> groupBytes)
    {
        int n = keys.WriteGroup(key, stack);
        groupBytes = n < 0 ? keys.GroupOf(key) : stack[..n];
        return _groups.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(groupBytes, out var group) ? group : null;
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
