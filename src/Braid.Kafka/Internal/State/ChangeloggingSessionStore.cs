using System.Buffers.Binary;
using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Internal.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

/// <summary>
/// A session store whose writes go to its changelog keyed as Kafka Streams' session keys: key bytes,
/// then 8-byte big-endian session end and start. A removed session is a tombstone.
/// </summary>
internal sealed class ChangeloggingSessionStore<TKey, TValue>(ISessionStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    ChangelogTarget target) : ISessionStore<TKey, TValue>, IRestorableStore
{
    public string Name => inner.Name;

    public bool IsPersistent => inner.IsPersistent;

    public string ChangelogTopic => target.Topic;

    public long ObservedStreamTime => inner.ObservedStreamTime;

    public long RetentionMs => inner.RetentionMs;

    public bool Put(Windowed<TKey> session, TValue value)
    {
        bool stored = inner.Put(session, value);
        if (stored) target.Send(SessionKey(session), value is null ? null : valueSerde.Serialize(value), session.Window.End);
        return stored;
    }

    public bool Remove(Windowed<TKey> session)
    {
        bool removed = inner.Remove(session);
        if (removed) target.Send(SessionKey(session), null, session.Window.End);
        return removed;
    }

    public void Restore(byte[] key, byte[]? value, long timestamp)
    {
        int keyLength = key.Length - 16;
        long end = BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(keyLength));
        long start = BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(keyLength + 8));
        var session = new Windowed<TKey>(keySerde.Deserialize(key.AsSpan(0, keyLength)), new Window(start, end));
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

    private byte[] SessionKey(Windowed<TKey> session)
    {
        var k = keySerde.Serialize(session.Key);
        var bytes = new byte[k.Length + 16];
        k.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(k.Length), session.Window.End);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(k.Length + 8), session.Window.Start);
        return bytes;
    }
}
