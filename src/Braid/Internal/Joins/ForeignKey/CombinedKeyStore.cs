using System.Buffers;
using System.Buffers.Binary;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// The in-memory store of a foreign-key join's subscriptions and of a many-to-many join's indexes, keyed by
/// (prefix, primary): a hash map from the prefix's bytes to its group, each group the primaries' entries sorted by their
/// bytes. A subscription is one group lookup plus a search among that foreign key's few subscribers, and a prefix scan
/// is one lookup and a walk: no binary search of the whole store's bytes, no chunk of other keys' entries moved on
/// every insert (issue 19: the general in-memory store's ordered index was a third of the foreign-key join's time).
/// <para>Keys are the bytes of <see cref="CombinedKeySerde{TPrefix,TPrimary}"/>: [4-byte prefix length][prefix][primary].
/// The length comes first, so a scan of [n][p] (what <c>PrefixSerde</c> writes) is exactly group p, in the same order
/// as the sorted bytes; keys are equal when their bytes are, like RocksDB's (two strings whose unpaired surrogates both
/// become U+FFFD are one key). Range, All and other prefixes are rare (queries, tests): they sort a copy of all
/// entries by bytes.</para>
/// Not thread-safe: like every in-memory store, written by its task and read by queries under the host's lock.
/// </summary>
internal sealed class CombinedKeyStore<TPrefix, TPrimary, TValue> :
    IKeyValueStore<CombinedKey<TPrefix, TPrimary>, TValue>, IPrefixScanInto<CombinedKey<TPrefix, TPrimary>, TValue>,
    IPutAndGetOld<CombinedKey<TPrefix, TPrimary>, TValue>
{
    private const int StackLimit = 128;
    private readonly Serde<TPrefix> _prefixSerde;
    private readonly Serde<TPrimary> _primarySerde;
    private readonly Dictionary<byte[], Group> _groups = new(ByteSpanComparer.Instance);
    private readonly Dictionary<byte[], Group>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;

    // Groups emptied by deletes, kept for the next new prefix: a foreign key's last subscriber often moves away and
    // another key's first arrives (one object and one array per move otherwise).
    // Its prefix's array is kept too, for a new prefix of the same length. Likewise the primary's array of the last
    // deleted entry: a row that changes its foreign key deletes (old, pk) and then puts (new, pk).
    private readonly Stack<(byte[] Prefix, Group Group)> _spare = new();
    private const int MaxSpare = 256;
    private byte[]? _freedPrimary;
    private long _count;

    public CombinedKeyStore(string name, Serde<TPrefix> prefixSerde, Serde<TPrimary> primarySerde)
    {
        Name = name;
        _prefixSerde = prefixSerde;
        _primarySerde = primarySerde;
        _byBytes = _groups.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public string Name { get; }

    public bool IsPersistent => false;

    public long ApproximateCount => _count;

    public bool TryGet(CombinedKey<TPrefix, TPrimary> key, out TValue value)
    {
        using var k = new KeyBytes(this, key, stackalloc byte[StackLimit], stackalloc byte[StackLimit]);
        if (_byBytes.TryGetValue(k.Prefix, out var group) && group.Find(k.Primary) is var i and >= 0)
        {
            value = group.Items[i].Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Put(CombinedKey<TPrefix, TPrimary> key, TValue value) => PutAndGetOld(key, value, out _);

    // A many-to-many join reads a row's old index entry (to recompute its old results) and writes the new one: one key
    // encoding and one search instead of two (issue 19, s14-tlj).
    public bool PutAndGetOld(CombinedKey<TPrefix, TPrimary> key, TValue value, out TValue old)
    {
        StoreArguments.NotNull(value);
        using var k = new KeyBytes(this, key, stackalloc byte[StackLimit], stackalloc byte[StackLimit]);
        if (!_byBytes.TryGetValue(k.Prefix, out var group))
        {
            byte[] prefixBytes;
            if (_spare.TryPop(out var spare))
            {
                group = spare.Group;
                prefixBytes = spare.Prefix.Length == k.Prefix.Length ? spare.Prefix : new byte[k.Prefix.Length];
            }
            else (group, prefixBytes) = (new Group(), new byte[k.Prefix.Length]);
            k.Prefix.CopyTo(prefixBytes);
            group.Prefix = key.Prefix;
            _groups.Add(prefixBytes, group);
        }
        int i = group.Find(k.Primary);
        if (i >= 0)
        {
            old = group.Items[i].Value;
            group.Items[i] = new Entry(group.Items[i].PrimaryBytes, key.Primary, value);
            return true;
        }
        var primaryBytes = _freedPrimary is { } freed && freed.Length == k.Primary.Length ? freed : new byte[k.Primary.Length];
        _freedPrimary = null;
        k.Primary.CopyTo(primaryBytes);
        group.Insert(~i, new Entry(primaryBytes, key.Primary, value));
        _count++;
        old = default!;
        return false;
    }

    public bool Delete(CombinedKey<TPrefix, TPrimary> key)
    {
        using var k = new KeyBytes(this, key, stackalloc byte[StackLimit], stackalloc byte[StackLimit]);
        if (!_byBytes.TryGetValue(k.Prefix, out var group) || group.Find(k.Primary) is not (var i and >= 0)) return false;
        _freedPrimary = group.Items[i].PrimaryBytes;
        group.RemoveAt(i);
        _count--;
        if (group.Count == 0)
        {
            _byBytes.Remove(k.Prefix, out var prefixBytes, out _);
            group.Prefix = default!;
            if (_spare.Count < MaxSpare) _spare.Push((prefixBytes!, group));
        }
        return true;
    }

    // A whole group is one lookup; any other prefix is answered from the sorted copy.
    public void PrefixScanInto(byte[] prefix, List<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>> output)
    {
        output.Clear();
        if (CombinedKeySerde<TPrefix, TPrimary>.IsWholeGroup(prefix))
        {
            if (!_byBytes.TryGetValue(prefix.AsSpan(4), out var group)) return;
            for (int i = 0; i < group.Count; i++) output.Add(group.Pair(i));
            return;
        }
        foreach (var (bytes, pair) in Sorted())
        {
            if (bytes.AsSpan().StartsWith(prefix)) output.Add(pair);
        }
    }

    public IEnumerable<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>> PrefixScan<TP>(TP prefix, Serde<TP> prefixSerde)
    {
        var lo = prefixSerde.Serialize(prefix);
        var output = new List<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>>();
        PrefixScanInto(lo, output);
        return output;
    }

    public IEnumerable<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>> Range(CombinedKey<TPrefix, TPrimary> from, CombinedKey<TPrefix, TPrimary> to)
    {
        var serde = new CombinedKeySerde<TPrefix, TPrimary>(_prefixSerde, _primarySerde);
        byte[] lo = serde.Serialize(from), hi = serde.Serialize(to);
        return Sorted().Where(e => ByteArrayComparer.Instance.Compare(e.Bytes, lo) >= 0 && ByteArrayComparer.Instance.Compare(e.Bytes, hi) <= 0)
            .Select(e => e.Pair).ToList();
    }

    public IEnumerable<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>> All() => Sorted().Select(e => e.Pair).ToList();

    // Every entry with its full key bytes, in byte order: a snapshot, so callers may write while they walk it.
    private List<(byte[] Bytes, KeyValue<CombinedKey<TPrefix, TPrimary>, TValue> Pair)> Sorted()
    {
        var all = new List<(byte[], KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>)>((int)_count);
        foreach (var (prefix, group) in _groups)
        {
            for (int i = 0; i < group.Count; i++)
            {
                var primary = group.Items[i].PrimaryBytes;
                var bytes = new byte[4 + prefix.Length + primary.Length];
                BinaryPrimitives.WriteInt32BigEndian(bytes, prefix.Length);
                prefix.CopyTo(bytes, 4);
                primary.CopyTo(bytes, 4 + prefix.Length);
                all.Add((bytes, group.Pair(i)));
            }
        }
        all.Sort((a, b) => ByteArrayComparer.Instance.Compare(a.Item1, b.Item1));
        return all;
    }

    public void Flush() { }

    public void Close() { }

    private readonly record struct Entry(byte[] PrimaryBytes, TPrimary Primary, TValue Value);

    /// <summary>One prefix's entries, sorted by their primaries' bytes.</summary>
    private sealed class Group
    {
        public TPrefix Prefix = default!;
        public Entry[] Items = new Entry[2];
        public int Count;

        public KeyValue<CombinedKey<TPrefix, TPrimary>, TValue> Pair(int i) =>
            new(new CombinedKey<TPrefix, TPrimary>(Prefix, Items[i].Primary), Items[i].Value);

        /// <summary>The entry's index, or the bitwise complement of where it would go.</summary>
        public int Find(ReadOnlySpan<byte> primary)
        {
            // The last entry first: primaries that grow with time (ids, offsets) arrive after every one already held,
            // and then one compare settles it instead of a search whose every probe reads another array.
            int hi = Count - 1;
            if (hi >= 0)
            {
                int last = Items[hi].PrimaryBytes.AsSpan().SequenceCompareTo(primary);
                if (last < 0) return ~Count;
                if (last == 0) return hi;
                hi--;
            }
            int lo = 0;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                int c = Items[mid].PrimaryBytes.AsSpan().SequenceCompareTo(primary);
                if (c == 0) return mid;
                if (c < 0) lo = mid + 1;
                else hi = mid - 1;
            }
            return ~lo;
        }

        public void Insert(int at, in Entry entry)
        {
            if (Count == Items.Length) Array.Resize(ref Items, Count * 2);
            Array.Copy(Items, at, Items, at + 1, Count - at);
            Items[at] = entry;
            Count++;
        }

        public void RemoveAt(int at)
        {
            Count--;
            Array.Copy(Items, at + 1, Items, at, Count - at);
            Items[Count] = default;
        }
    }

    /// <summary>A key's two parts as bytes, written on the stack (or into rented arrays) for the string serde,
    /// otherwise the serdes' own arrays.</summary>
    private ref struct KeyBytes
    {
        private byte[]? _rentedPrefix, _rentedPrimary;
        public ReadOnlySpan<byte> Prefix, Primary;

        public KeyBytes(CombinedKeyStore<TPrefix, TPrimary, TValue> store, in CombinedKey<TPrefix, TPrimary> key, Span<byte> prefixStack, Span<byte> primaryStack)
        {
            StoreArguments.NotNull(key.Prefix);
            StoreArguments.NotNull(key.Primary);
            Prefix = Write(store._prefixSerde, key.Prefix, prefixStack, ref _rentedPrefix);
            Primary = Write(store._primarySerde, key.Primary, primaryStack, ref _rentedPrimary);
        }

        private static ReadOnlySpan<byte> Write<T>(Serde<T> serde, T value, Span<byte> stack, scoped ref byte[]? rented)
        {
            int n = SerdeBytes.Length(serde, value, out var bytes);
            if (bytes is not null) return bytes;
            var to = n <= stack.Length ? stack[..n] : (rented = ArrayPool<byte>.Shared.Rent(n)).AsSpan(0, n);
            SerdeBytes.Write(value, null, to);
            return to;
        }

        public readonly void Dispose()
        {
            if (_rentedPrefix is not null) ArrayPool<byte>.Shared.Return(_rentedPrefix);
            if (_rentedPrimary is not null) ArrayPool<byte>.Shared.Return(_rentedPrimary);
        }
    }
}
