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
    IChangeSink sink)
    : ChangeLoggingStore<ISessionStore<TKey, TValue>>(inner), ISessionStore<TKey, TValue>
{
    public long ObservedStreamTime => Inner.ObservedStreamTime;

    public long RetentionMs => Inner.RetentionMs;

    public bool Put(Windowed<TKey> session, TValue value)
    {
        bool stored = Inner.Put(session, value);
        if (stored) sink.Log(SessionKey(session), value is null ? null : valueSerde.Serialize(value), session.Window.End);
        return stored;
    }

    public bool Remove(Windowed<TKey> session)
    {
        bool removed = Inner.Remove(session);
        if (removed) sink.Log(SessionKey(session), null, session.Window.End);
        return removed;
    }

    public override void Restore(byte[] key, byte[]? value, long timestamp)
    {
        var (k, start, end) = ChangelogKeys.ReadSession(key);
        var session = new Windowed<TKey>(keySerde.Deserialize(k.Span), new Window(start, end));
        if (value is null) Inner.Remove(session);
        else Inner.Put(session, valueSerde.Deserialize(value));
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime) =>
        Inner.FindSessions(key, earliestSessionEndTime, latestSessionStartTime);

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value) => Inner.TryFetchSession(key, sessionStart, sessionEnd, out value);

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime) =>
        Inner.FindSessionsByEndTime(earliestSessionEndTime, latestSessionEndTime);

    private byte[] SessionKey(Windowed<TKey> session) => ChangelogKeys.Session(keySerde.Serialize(session.Key), session.Window.Start, session.Window.End);
}
