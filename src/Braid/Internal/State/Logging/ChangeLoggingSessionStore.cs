using Braid.Serialization;
using Braid.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

namespace Braid.Internal.State.Logging;

/// <summary>
/// A session store whose stored puts and removals are logged under Kafka's session changelog key
/// (<see cref="ChangelogKeys.Session"/>) with the session end as the change's timestamp; a removed session is a tombstone.
/// <para>Crash safety: as <see cref="ChangeLoggingKeyValueStore{TKey,TValue}"/> — nothing is durable before the host's
/// commit, and a put or removal of one session is idempotent, so a change restored and then redone changes nothing.</para>
/// </summary>
internal sealed class ChangeLoggingSessionStore<TKey, TValue>(ISessionStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    IChangeSink sink) : ISessionStore<TKey, TValue>, ILoggedStore
{
    public string Name => inner.Name;

    public bool IsPersistent => inner.IsPersistent;

    public long ObservedStreamTime => inner.ObservedStreamTime;

    public long RetentionMs => inner.RetentionMs;

    public bool Put(Windowed<TKey> session, TValue value)
    {
        bool stored = inner.Put(session, value);
        if (stored) sink.Log(SessionKey(session), value is null ? null : valueSerde.Serialize(value), session.Window.End);
        return stored;
    }

    public bool Remove(Windowed<TKey> session)
    {
        bool removed = inner.Remove(session);
        if (removed) sink.Log(SessionKey(session), null, session.Window.End);
        return removed;
    }

    public void Restore(byte[] key, byte[]? value, long timestamp)
    {
        var (k, start, end) = ChangelogKeys.ReadSession(key);
        var session = new Windowed<TKey>(keySerde.Deserialize(k.Span), new Window(start, end));
        if (value is null) inner.Remove(session);
        else inner.Put(session, valueSerde.Deserialize(value));
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime) =>
        inner.FindSessions(key, earliestSessionEndTime, latestSessionStartTime);

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value) => inner.TryFetchSession(key, sessionStart, sessionEnd, out value);

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime) =>
        inner.FindSessionsByEndTime(earliestSessionEndTime, latestSessionEndTime);

    public void Flush() => inner.Flush();

    public void Close() => inner.Close();

    private byte[] SessionKey(Windowed<TKey> session) => ChangelogKeys.Session(keySerde.Serialize(session.Key), session.Window.Start, session.Window.End);
}
