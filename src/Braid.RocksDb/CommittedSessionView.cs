namespace Braid.RocksDb;

/// <summary>Committed-only view of a session store.</summary>
internal sealed class CommittedSessionView<TKey, TValue>(RocksSessionStore<TKey, TValue> store)
    : CommittedView<TKey, RocksSessionStore<TKey, TValue>>(store), ISessionStore<TKey, TValue>
{
    public long RetentionMs => Store.RetentionMs;

    public long ObservedStreamTime => ReadAtCommittedTime(s => s.ObservedStreamTime);

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime) =>
        ReadAtCommittedTime(s => s.FindSessions(key, earliestSessionEndTime, latestSessionStartTime));

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        (bool found, value) = ReadAtCommittedTime(s => (s.TryFetchSession(key, sessionStart, sessionEnd, out var v), v));
        return found;
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime) =>
        ReadAtCommittedTime(s => s.FindSessionsByEndTime(earliestSessionEndTime, latestSessionEndTime));

    public bool Put(Windowed<TKey> session, TValue value) => Store.Put(session, value);

    public bool Remove(Windowed<TKey> session) => Store.Remove(session);
}
