using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// In-memory session store. Each key has its sessions sorted by (end, start); a global set sorted by
/// (end, serialized key, start) serves the cross-key end-time query and expiry. A put that advances
/// stream time (the largest session end) drops every session that ended before stream time − retention,
/// so memory follows the retention. Reads filter by the same rule, so expiry is exact.
/// </summary>
internal sealed class InMemorySessionStore<TKey, TValue> : ISessionStore<TKey, TValue>
{
    private readonly Serde<TKey> _keySerde;
    private readonly Dictionary<TKey, SortedDictionary<(long End, long Start), TValue>> _byKey;
    private readonly SortedSet<Entry> _byEnd = new(EntryComparer.Instance);

    public InMemorySessionStore(string name, long retentionMs, Serde<TKey> keySerde)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retentionMs);
        Name = name;
        RetentionMs = retentionMs;
        _keySerde = keySerde;
        _byKey = typeof(TKey) == typeof(byte[])
            ? new((IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance)
            : new();
    }

    public string Name { get; }

    public bool IsPersistent => false;

    public long RetentionMs { get; }

    public long ObservedStreamTime { get; private set; } = long.MinValue;

    private long MinLiveEnd => ObservedStreamTime == long.MinValue ? long.MinValue : ObservedStreamTime - RetentionMs;

    public bool Put(Windowed<TKey> session, TValue value)
    {
        ArgumentNullException.ThrowIfNull(session.Key);
        StoreArguments.NotNull(value);
        var (start, end) = (session.Window.Start, session.Window.End);
        if (start > end) throw new ArgumentException($"session store '{Name}': a session must not start ({start}) after it ends ({end}).", nameof(session));
        if (end > ObservedStreamTime)
        {
            ObservedStreamTime = end;
            DropExpired();
        }
        if (end < MinLiveEnd) return false;
        if (!_byKey.TryGetValue(session.Key, out var sessions))
        {
            sessions = new SortedDictionary<(long End, long Start), TValue>();
            _byKey.Add(session.Key, sessions);
        }
        if (!sessions.ContainsKey((end, start)))
            _byEnd.Add(new Entry(end, _keySerde.Serialize(session.Key), start, session.Key));
        sessions[(end, start)] = value;
        return true;
    }

    public bool Remove(Windowed<TKey> session)
    {
        ArgumentNullException.ThrowIfNull(session.Key);
        if (!_byKey.TryGetValue(session.Key, out var sessions)) return false;
        var at = (session.Window.End, session.Window.Start);
        if (!sessions.Remove(at)) return false;
        if (sessions.Count == 0) _byKey.Remove(session.Key);
        _byEnd.Remove(new Entry(at.End, _keySerde.Serialize(session.Key), at.Start, session.Key));
        return true;
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime)
    {
        StoreArguments.NotNull(key);
        var result = new List<KeyValue<Windowed<TKey>, TValue>>();
        if (!_byKey.TryGetValue(key, out var sessions)) return result;
        long minEnd = Math.Max(earliestSessionEndTime, MinLiveEnd);
        foreach (var ((end, start), value) in sessions)
        {
            if (end >= minEnd && start <= latestSessionStartTime)
                result.Add(new(new Windowed<TKey>(key, new Window(start, end)), value));
        }
        return result;
    }

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        StoreArguments.NotNull(key);
        if (sessionEnd >= MinLiveEnd && _byKey.TryGetValue(key, out var sessions) && sessions.TryGetValue((sessionEnd, sessionStart), out value!))
            return true;
        value = default!;
        return false;
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime)
    {
        var result = new List<KeyValue<Windowed<TKey>, TValue>>();
        long from = Math.Max(earliestSessionEndTime, MinLiveEnd);
        if (from > latestSessionEndTime || _byEnd.Count == 0) return result;
        var view = _byEnd.GetViewBetween(new Entry(from, [], long.MinValue, default!), new Entry(latestSessionEndTime, null, long.MaxValue, default!));
        foreach (var e in view)
            result.Add(new(new Windowed<TKey>(e.Key, new Window(e.Start, e.End)), _byKey[e.Key][(e.End, e.Start)]));
        return result;
    }

    private void DropExpired()
    {
        long minLive = MinLiveEnd;
        while (_byEnd.Count > 0 && _byEnd.Min!.End < minLive)
        {
            var e = _byEnd.Min;
            _byEnd.Remove(e);
            var sessions = _byKey[e.Key];
            sessions.Remove((e.End, e.Start));
            if (sessions.Count == 0) _byKey.Remove(e.Key);
        }
    }

    public void Flush() { }

    public void Close()
    {
        _byKey.Clear();
        _byEnd.Clear();
    }

    /// <summary>A session in the global order. A null <see cref="KeyBytes"/> is an upper bound above every key.</summary>
    private sealed record Entry(long End, byte[]? KeyBytes, long Start, TKey Key);

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static readonly EntryComparer Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            int c = x!.End.CompareTo(y!.End);
            if (c != 0) return c;
            if (x.KeyBytes is null || y.KeyBytes is null)
                c = (x.KeyBytes is null ? 1 : 0) - (y.KeyBytes is null ? 1 : 0);
            else
                c = ByteArrayComparer.Instance.Compare(x.KeyBytes, y.KeyBytes);
            return c != 0 ? c : x.Start.CompareTo(y.Start);
        }
    }
}
