using System.Buffers.Binary;
using Braid.Internal.State;
using Braid.State;

namespace Braid.Embedded.State;

/// <summary>Session store over an in-memory one; every write is also recorded as a pending op (key = start, end, key bytes).</summary>
internal sealed class JournalSessionStore<TKey, TValue>(SessionStoreBuilder<TKey, TValue> builder, Action<StoreOp>? pending, object? gate = null)
    : ISessionStore<TKey, TValue>, IJournaledStore
{
    private readonly InMemorySessionStore<TKey, TValue> _inner = new(builder.Name, (long)builder.Retention.TotalMilliseconds, builder.KeySerde);

    public string Name => builder.Name;

    public bool IsPersistent => true;

    public long ObservedStreamTime => _inner.ObservedStreamTime;

    public long RetentionMs => _inner.RetentionMs;

    public bool Put(Windowed<TKey> session, TValue value)
    {
        Writable()(new StoreOp(StoreOp.Put, Encode(session), builder.ValueSerde.Serialize(value), 0));
        return _inner.Put(session, value);
    }

    public bool Remove(Windowed<TKey> session)
    {
        Writable()(new StoreOp(StoreOp.Delete, Encode(session), null, 0));
        return _inner.Remove(session);
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime)
    {
        using var _ = Gate.Enter(gate);
        return _inner.FindSessions(key, earliestSessionEndTime, latestSessionStartTime);
    }

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        using var _ = Gate.Enter(gate);
        return _inner.TryFetchSession(key, sessionStart, sessionEnd, out value);
    }

    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime)
    {
        using var _ = Gate.Enter(gate);
        return _inner.FindSessionsByEndTime(earliestSessionEndTime, latestSessionEndTime);
    }

    public void Apply(StoreOp op)
    {
        var key = op.Key!;
        var session = new Windowed<TKey>(builder.KeySerde.Deserialize(key.AsSpan(16)),
            new Window(BinaryPrimitives.ReadInt64BigEndian(key), BinaryPrimitives.ReadInt64BigEndian(key.AsSpan(8))));
        if (op.Kind == StoreOp.Put) _inner.Put(session, builder.ValueSerde.Deserialize(op.Value));
        else _inner.Remove(session);
    }

    private byte[] Encode(Windowed<TKey> session)
    {
        var k = builder.KeySerde.Serialize(session.Key);
        var b = new byte[16 + k.Length];
        BinaryPrimitives.WriteInt64BigEndian(b, session.Window.Start);
        BinaryPrimitives.WriteInt64BigEndian(b.AsSpan(8), session.Window.End);
        k.CopyTo(b, 16);
        return b;
    }

    private Action<StoreOp> Writable() => pending ?? throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state.");

    public void Flush() { }

    public void Close() { }
}
