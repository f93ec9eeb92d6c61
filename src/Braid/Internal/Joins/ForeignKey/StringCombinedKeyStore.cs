using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// The in-memory subscription store of a foreign-key join whose foreign and primary keys are strings with the string
/// serde: <see cref="CombinedKeyStore{TPrefix,TPrimary,TValue}"/>'s layout (a map from foreign key to its group, each
/// group its subscribers sorted by the bytes of their keys) keyed by the strings themselves instead of their UTF-8.
/// <para>Why: the byte-keyed store encoded both parts of the key to UTF-8 and hashed and compared those bytes on every
/// subscription, delete and right-table scan, and kept two byte arrays per subscriber (issue 19, session 19: the store
/// was ~17 % of the FK driver row's samples, its encode/hash/compare steps work that a string map does not do). The
/// rules are the byte store's, as RocksDB's and Kafka's (<c>SubscriptionReceiveProcessorSupplier</c> keys the store by
/// <c>CombinedKeySchema</c> bytes): keys are equal when their bytes are and a group is walked in byte order —
/// <see cref="Utf8Order"/> gives both for strings (unpaired surrogates are compared as the U+FFFD they encode to).
/// A subscriber's key is usually the left table's stored key instance, so a delete finds it by reference.</para>
/// Not thread-safe: like every in-memory store, written by its task and read by queries under the host's lock.
/// </summary>
internal sealed class StringCombinedKeyStore<TValue> :
    IKeyValueStore<CombinedKey<string, string>, TValue>, IPrefixScanInto<CombinedKey<string, string>, TValue>,
    IPutAndGetOld<CombinedKey<string, string>, TValue>, IGroupScan<string, string, TValue>
{
    private const int StackChars = 128;
    private static readonly CombinedKeySerde<string, string> Serde = new(Serdes.String, Serdes.String);
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal); // keyed by canonical foreign keys
    private readonly Dictionary<string, Group>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    // Groups emptied by deletes, kept for the next new foreign key (a row's move empties one group and often starts another).
    private readonly Stack<Group> _spare = new();
    private const int MaxSpare = 256;
    private long _count;

    public StringCombinedKeyStore(string name)
    {
        Name = name;
        _byChars = _groups.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    public bool IsPersistent => false;

    public long ApproximateCount => _count;

    public bool TryGet(CombinedKey<string, string> key, out TValue value)
    {
        CheckKey(key);
        if (_groups.TryGetValue(Utf8Order.Canonical(key.Prefix), out var group) && group.Find(Utf8Order.Canonical(key.Primary)) is var i and >= 0)
        {
            value = group.Items[i].Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Put(CombinedKey<string, string> key, TValue value) => PutAndGetOld(key, value, out _);

    public bool PutAndGetOld(CombinedKey<string, string> key, TValue value, out TValue old)
    {
        StoreArguments.NotNull(value);
        CheckKey(key);
        string prefix = Utf8Order.Canonical(key.Prefix), primary = Utf8Order.Canonical(key.Primary);
        if (!_groups.TryGetValue(prefix, out var group))
        {
            group = _spare.TryPop(out var spare) ? spare : new Group();
            group.Prefix = key.Prefix;
            _groups.Add(prefix, group);
        }
        int i = group.Find(primary);
        if (i >= 0)
        {
            old = group.Items[i].Value;
            group.Items[i] = new Entry(key.Primary, primary, value);
            return true;
        }
        group.Insert(~i, new Entry(key.Primary, primary, value));
        _count++;
        old = default!;
        return false;
    }

    public bool Delete(CombinedKey<string, string> key)
    {
        CheckKey(key);
        string prefix = Utf8Order.Canonical(key.Prefix);
        if (!_groups.TryGetValue(prefix, out var group) || group.Find(Utf8Order.Canonical(key.Primary)) is not (var i and >= 0)) return false;
        group.RemoveAt(i);
        _count--;
        if (group.Count == 0)
        {
            _groups.Remove(prefix);
            group.Prefix = null!;
            if (_spare.Count < MaxSpare) _spare.Push(group);
        }
        return true;
    }

    // A whole group ([n][n bytes], what a right-table update scans) is one lookup by its characters; any other prefix
    // is answered from the sorted copy.
    public void PrefixScanInto(byte[] prefix, List<KeyValue<CombinedKey<string, string>, TValue>> output)
    {
        output.Clear();
        if (CombinedKeySerde<string, string>.IsWholeGroup(prefix))
        {
            if (FindGroup(prefix.AsSpan(4)) is not { } group) return;
            for (int i = 0; i < group.Count; i++) output.Add(group.Pair(i));
            return;
        }
        foreach (var (bytes, pair) in Sorted())
        {
            if (bytes.AsSpan().StartsWith(prefix)) output.Add(pair);
        }
    }

    // A right-table update's scan by its key: no prefix bytes to write and decode again.
    public void ScanGroup(string prefix, List<KeyValue<CombinedKey<string, string>, TValue>> output)
    {
        output.Clear();
        StoreArguments.NotNull(prefix);
        if (!_groups.TryGetValue(Utf8Order.Canonical(prefix), out var group)) return;
        for (int i = 0; i < group.Count; i++) output.Add(group.Pair(i));
    }

    // Bytes that are not well-formed UTF-8 are no string's bytes: no group has them (decoding would turn them into U+FFFD).
    private Group? FindGroup(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8)) return null;
        char[]? rented = utf8.Length > StackChars ? ArrayPool<char>.Shared.Rent(utf8.Length) : null;
        try
        {
            Span<char> chars = rented ?? stackalloc char[StackChars];
            int n = Encoding.UTF8.GetChars(utf8, chars);
            return _byChars.TryGetValue(chars[..n], out var group) ? group : null;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    public IEnumerable<KeyValue<CombinedKey<string, string>, TValue>> PrefixScan<TP>(TP prefix, Serde<TP> prefixSerde)
    {
        var output = new List<KeyValue<CombinedKey<string, string>, TValue>>();
        PrefixScanInto(prefixSerde.Serialize(prefix), output);
        return output;
    }

    public IEnumerable<KeyValue<CombinedKey<string, string>, TValue>> Range(CombinedKey<string, string> from, CombinedKey<string, string> to)
    {
        byte[] lo = Serde.Serialize(from), hi = Serde.Serialize(to);
        return Sorted().Where(e => ByteArrayComparer.Instance.Compare(e.Bytes, lo) >= 0 && ByteArrayComparer.Instance.Compare(e.Bytes, hi) <= 0)
            .Select(e => e.Pair).ToList();
    }

    public IEnumerable<KeyValue<CombinedKey<string, string>, TValue>> All() => Sorted().Select(e => e.Pair).ToList();

    // Every entry with its full key bytes, in byte order: a snapshot, so callers may write while they walk it.
    private List<(byte[] Bytes, KeyValue<CombinedKey<string, string>, TValue> Pair)> Sorted()
    {
        var all = new List<(byte[], KeyValue<CombinedKey<string, string>, TValue>)>((int)_count);
        foreach (var (prefix, group) in _groups)
        {
            for (int i = 0; i < group.Count; i++) all.Add((Serde.Serialize(new CombinedKey<string, string>(prefix, group.Items[i].Canonical)), group.Pair(i)));
        }
        all.Sort((a, b) => ByteArrayComparer.Instance.Compare(a.Item1, b.Item1));
        return all;
    }

    public void Flush() { }

    public void Close() { }

    private static void CheckKey(in CombinedKey<string, string> key)
    {
        StoreArguments.NotNull(key.Prefix);
        StoreArguments.NotNull(key.Primary);
    }

    /// <summary>A subscriber: its key as given (handed back by scans, as the byte store does), the canonical form it is
    /// ordered and matched by (the same instance unless it has unpaired surrogates), and the value.</summary>
    private readonly record struct Entry(string Primary, string Canonical, TValue Value);

    /// <summary>One foreign key's subscribers, sorted by the bytes of their keys.</summary>
    private sealed class Group
    {
        public string Prefix = null!;
        public Entry[] Items = new Entry[2];
        public int Count;

        public KeyValue<CombinedKey<string, string>, TValue> Pair(int i) =>
            new(new CombinedKey<string, string>(Prefix, Items[i].Primary), Items[i].Value);

        /// <summary>The entry's index, or the bitwise complement of where it would go.</summary>
        public int Find(string primary)
        {
            // The last entry first: keys that grow with time arrive after every one already held (one compare); and a
            // row's delete usually names the key instance it subscribed with (a reference test, no characters read).
            int hi = Count - 1;
            if (hi >= 0)
            {
                int last = Utf8Order.Compare(Items[hi].Canonical, primary);
                if (last < 0) return ~Count;
                if (last == 0) return hi;
                hi--;
            }
            int lo = 0;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                int c = Utf8Order.Compare(Items[mid].Canonical, primary);
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
}
