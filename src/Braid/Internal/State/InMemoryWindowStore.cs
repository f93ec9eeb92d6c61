using Braid.State;

namespace Braid.Internal.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// In-memory window store. Time is cut into segments of half the retention (at least 1 ms); each
/// segment maps a key to its values sorted by timestamp (equal timestamps in put order). A put that
/// advances stream time drops every segment whose newest possible timestamp has left retention, so
/// memory follows the retention, not the input. Values in a live segment that already expired are
/// filtered out by <see cref="Fetch(TKey,long,long,List{TimestampedValue{TValue}})"/>, so expiry is exact per record even
/// though dropping is per segment.
/// </summary>
internal sealed class InMemoryWindowStore<TKey, TValue> : IWindowStore<TKey, TValue>
{
    private readonly bool _retainDuplicates;
    private readonly long _segmentInterval;
    // Few segments are live at once (retention / interval + 2), so a list sorted by id beats a tree.
    private readonly List<Segment> _segments = new();

    // The key map of the last dropped segment, emptied, for the next new segment. Segments cover equal spans of
    // time, so the next one holds about as many keys: reusing the map (its buckets and entries arrays) saves growing
    // a new one from empty through every size to the same count, which was an eighth of a stream–stream join's
    // allocation (issue 19).
    private Dictionary<TKey, List<TimestampedValue<TValue>>>? _spareMap;

    // The dropped segment's per-key value lists, emptied, for the keys of new segments (the same reasoning: a
    // list and its array per key per segment were another tenth). Only short lists are kept, and only the last
    // dropped segment's, so what is kept is bounded by one segment's keys.
    private readonly Stack<List<TimestampedValue<TValue>>> _spareLists = new();
    private const int MaxReusedListCapacity = 16;

    public InMemoryWindowStore(string name, long retentionMs, bool retainDuplicates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retentionMs);
        Name = name;
        RetentionMs = retentionMs;
        _retainDuplicates = retainDuplicates;
        _segmentInterval = Math.Max(1, retentionMs / 2);
    }

    public string Name { get; }

    public bool IsPersistent => false;

    public long RetentionMs { get; }

    public long ObservedStreamTime { get; private set; } = long.MinValue;

    /// <summary>Live segments (for tests of the dropping rule).</summary>
    internal int SegmentCount => _segments.Count;

    /// <summary>Keys across the live segments (for tests: a reused map must start empty).</summary>
    internal int KeyCount => _segments.Sum(s => s.KeyCount);

    /// <summary>Values across the live segments, expired ones included (for tests: a reused value list must start empty).</summary>
    internal int ValueCount => _segments.Sum(s => s.ValueCount);

    /// <summary>The capacity of the newest segment's key map (for tests: a new segment reuses a dropped one's map).</summary>
    internal int NewestSegmentCapacity => _segments.Count == 0 ? 0 : _segments[^1].Capacity;

    private long MinLiveTimestamp => ObservedStreamTime == long.MinValue ? long.MinValue : ObservedStreamTime - RetentionMs;

    public bool Put(TKey key, TValue value, long timestamp)
    {
        StoreArguments.NotNull(key);
        StoreArguments.NotNull(value);
        if (timestamp > ObservedStreamTime)
        {
            ObservedStreamTime = timestamp;
            DropExpiredSegments();
        }
        if (timestamp < MinLiveTimestamp) return false;
        var values = GetOrAddSegment(SegmentId(timestamp)).GetOrAdd(key);
        // Values arrive mostly in timestamp order: search from the end for the insertion point.
        int i = values.Count;
        while (i > 0 && values[i - 1].Timestamp > timestamp) i--;
        if (!_retainDuplicates && i > 0 && values[i - 1].Timestamp == timestamp)
            values[i - 1] = new TimestampedValue<TValue>(timestamp, value);
        else
            values.Insert(i, new TimestampedValue<TValue>(timestamp, value));
        return true;
    }

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        StoreArguments.NotNull(key);
        ArgumentNullException.ThrowIfNull(results);
        long from = Math.Max(timeFrom, MinLiveTimestamp);
        int before = results.Count;
        if (from > timeTo) return 0;
        long firstSegment = SegmentId(from), lastSegment = SegmentId(timeTo);
        foreach (var segment in _segments)
        {
            if (segment.Id < firstSegment) continue;
            if (segment.Id > lastSegment) break;
            if (!segment.TryGet(key, out var values)) continue;
            foreach (var v in values)
            {
                if (v.Timestamp > timeTo) break;
                if (v.Timestamp >= from) results.Add(v);
            }
        }
        return results.Count - before;
    }

    private long SegmentId(long timestamp) => Math.DivRem(timestamp, _segmentInterval) is var (q, r) && r < 0 ? q - 1 : q;

    private Segment GetOrAddSegment(long id)
    {
        int i = _segments.Count;
        while (i > 0 && _segments[i - 1].Id > id) i--;
        if (i > 0 && _segments[i - 1].Id == id) return _segments[i - 1];
        var segment = new Segment(id, _spareMap ?? Segment.NewMap(), _spareLists);
        _spareMap = null;
        _segments.Insert(i, segment);
        return segment;
    }

    private void DropExpiredSegments()
    {
        long minLive = MinLiveTimestamp;
        int expired = 0;
        // A segment's newest possible timestamp is (id + 1) * interval - 1.
        while (expired < _segments.Count && (_segments[expired].Id + 1) * _segmentInterval - 1 < minLive) expired++;
        if (expired == 0) return;
        // Fetch copies what it finds into the caller's list, so nothing outside this store can still see the map.
        _spareLists.Clear();
        _spareMap = _segments[expired - 1].TakeEmptiedMap(_spareLists, MaxReusedListCapacity);
        _segments.RemoveRange(0, expired);
    }

    public void Flush() { }

    public void Close()
    {
        _segments.Clear();
        _spareMap = null;
        _spareLists.Clear();
    }

    private sealed class Segment(long id, Dictionary<TKey, List<TimestampedValue<TValue>>> byKey, Stack<List<TimestampedValue<TValue>>> spareLists)
    {
        private readonly Dictionary<TKey, List<TimestampedValue<TValue>>> _byKey = byKey;

        public static Dictionary<TKey, List<TimestampedValue<TValue>>> NewMap() =>
            typeof(TKey) == typeof(byte[])
                ? new Dictionary<TKey, List<TimestampedValue<TValue>>>((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
                : new Dictionary<TKey, List<TimestampedValue<TValue>>>();

        public long Id { get; } = id;

        public int KeyCount => _byKey.Count;

        public int ValueCount => _byKey.Values.Sum(v => v.Count);

        public int Capacity => _byKey.EnsureCapacity(0);

        /// <summary>This segment's key map, emptied (its arrays kept), and its short value lists, emptied, pushed on
        /// <paramref name="lists"/>; the segment is being dropped.</summary>
        public Dictionary<TKey, List<TimestampedValue<TValue>>> TakeEmptiedMap(Stack<List<TimestampedValue<TValue>>> lists, int maxCapacity)
        {
            foreach (var values in _byKey.Values)
            {
                if (values.Capacity > maxCapacity) continue;
                values.Clear();
                lists.Push(values);
            }
            _byKey.Clear();
            return _byKey;
        }

        public bool TryGet(TKey key, out List<TimestampedValue<TValue>> values) => _byKey.TryGetValue(key, out values!);

        public List<TimestampedValue<TValue>> GetOrAdd(TKey key)
        {
            if (!_byKey.TryGetValue(key, out var values))
            {
                values = spareLists.TryPop(out var spare) ? spare : new List<TimestampedValue<TValue>>(2);
                _byKey.Add(key, values);
            }
            return values;
        }
    }
}
