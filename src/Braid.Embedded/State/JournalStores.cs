using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; the inner stores reject null keys.

namespace Braid.Embedded.State;

/// <summary>One store write as bytes: what the journal persists and replays.</summary>
internal readonly record struct StoreOp(byte Kind, byte[]? Key, byte[]? Value, long Timestamp)
{
    public const byte Put = 0;
    public const byte Delete = 1;
}

/// <summary>A store the journal backend can replay committed writes into.</summary>
internal interface IJournaledStore
{
    void Apply(StoreOp op);
}

/// <summary>Key–value store over an in-memory one; every write is also recorded as a pending op.</summary>
internal sealed class JournalKeyValueStore<TKey, TValue>(KeyValueStoreBuilder<TKey, TValue> builder, Action<StoreOp>? pending, object? gate = null)
    : IKeyValueStore<TKey, TValue>, IJournaledStore
{
    private readonly InMemoryKeyValueStore<TKey, TValue> _inner = new(builder.Name, builder.KeySerde);

    public string Name => builder.Name;

    public bool IsPersistent => true;

    public long ApproximateCount => _inner.ApproximateCount;

    public bool TryGet(TKey key, out TValue value)
    {
        using var _ = Gate.Enter(gate);
        return _inner.TryGet(key, out value);
    }

    public IEnumerable<KeyValue<TKey, TValue>> Range(TKey from, TKey to) => Gate.Read(gate, () => _inner.Range(from, to));

    public IEnumerable<KeyValue<TKey, TValue>> All() => Gate.Read(gate, _inner.All);

    public IEnumerable<KeyValue<TKey, TValue>> PrefixScan<TPrefix>(TPrefix prefix, Serde<TPrefix> prefixSerde) => Gate.Read(gate, () => _inner.PrefixScan(prefix, prefixSerde));

    public void Put(TKey key, TValue value)
    {
        Writable().Invoke(new StoreOp(StoreOp.Put, builder.KeySerde.Serialize(key), builder.ValueSerde.Serialize(value), 0));
        _inner.Put(key, value);
    }

    public bool Delete(TKey key)
    {
        Writable().Invoke(new StoreOp(StoreOp.Delete, builder.KeySerde.Serialize(key), null, 0));
        return _inner.Delete(key);
    }

    public void Apply(StoreOp op)
    {
        var key = builder.KeySerde.Deserialize(op.Key);
        if (op.Kind == StoreOp.Put) _inner.Put(key, builder.ValueSerde.Deserialize(op.Value));
        else _inner.Delete(key);
    }

    private Action<StoreOp> Writable() => pending ?? throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state.");

    public void Flush() { }

    public void Close() { }
}

/// <summary>Versioned store over an in-memory one; every write is also recorded as a pending op.</summary>
internal sealed class JournalVersionedStore<TKey, TValue>(VersionedStoreBuilder<TKey, TValue> builder, Action<StoreOp>? pending, object? gate = null)
    : IVersionedKeyValueStore<TKey, TValue>, IJournaledStore
{
    private readonly InMemoryVersionedKeyValueStore<TKey, TValue> _inner = new(builder.Name, builder.HistoryRetention);

    public string Name => builder.Name;

    public bool IsPersistent => true;

    public TimeSpan HistoryRetention => _inner.HistoryRetention;

    public VersionedPutResult Put(TKey key, TValue? value, long timestamp)
    {
        Writable().Invoke(new StoreOp(StoreOp.Put, builder.KeySerde.Serialize(key), value is null ? null : builder.ValueSerde.Serialize(value), timestamp));
        return _inner.Put(key, value, timestamp);
    }

    public bool Delete(TKey key, long timestamp, out VersionedRecord<TValue> deleted)
    {
        Writable().Invoke(new StoreOp(StoreOp.Delete, builder.KeySerde.Serialize(key), null, timestamp));
        return _inner.Delete(key, timestamp, out deleted);
    }

    public bool TryGet(TKey key, out VersionedRecord<TValue> record)
    {
        using var _ = Gate.Enter(gate);
        return _inner.TryGet(key, out record);
    }

    public bool TryGet(TKey key, long asOfTimestamp, out VersionedRecord<TValue> record)
    {
        using var _ = Gate.Enter(gate);
        return _inner.TryGet(key, asOfTimestamp, out record);
    }

    public void Apply(StoreOp op)
    {
        var key = builder.KeySerde.Deserialize(op.Key);
        if (op.Kind == StoreOp.Put) _inner.Put(key, op.Value is null ? default : builder.ValueSerde.Deserialize(op.Value), op.Timestamp);
        else _inner.Delete(key, op.Timestamp, out _);
    }

    private Action<StoreOp> Writable() => pending ?? throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state.");

    public void Flush() { }

    public void Close() { }
}

/// <summary>Window store over an in-memory one; every write is also recorded as a pending op.</summary>
internal sealed class JournalWindowStore<TKey, TValue>(WindowStoreBuilder<TKey, TValue> builder, Action<StoreOp>? pending, object? gate = null)
    : IWindowStore<TKey, TValue>, IJournaledStore
{
    private readonly InMemoryWindowStore<TKey, TValue> _inner = new(builder.Name, (long)builder.Retention.TotalMilliseconds, builder.RetainDuplicates);

    public string Name => builder.Name;

    public bool IsPersistent => true;

    public long ObservedStreamTime => _inner.ObservedStreamTime;

    public long RetentionMs => _inner.RetentionMs;

    public bool Put(TKey key, TValue value, long timestamp)
    {
        var p = pending ?? throw new InvalidOperationException($"Store '{Name}' is a read-only view of committed state.");
        p(new StoreOp(StoreOp.Put, builder.KeySerde.Serialize(key), builder.ValueSerde.Serialize(value), timestamp));
        return _inner.Put(key, value, timestamp);
    }

    public IEnumerable<TimestampedValue<TValue>> Fetch(TKey key, long timeFrom, long timeTo) => Gate.Read(gate, () => _inner.Fetch(key, timeFrom, timeTo));

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results)
    {
        using var _ = Gate.Enter(gate);
        return _inner.Fetch(key, timeFrom, timeTo, results);
    }

    public void Apply(StoreOp op) =>
        _inner.Put(builder.KeySerde.Deserialize(op.Key), builder.ValueSerde.Deserialize(op.Value), op.Timestamp);

    public void Flush() { }

    public void Close() { }
}

/// <summary>Serializes reads of committed views against the commits that update them.</summary>
internal static class Gate
{
    public static Releaser Enter(object? gate)
    {
        if (gate is not null) Monitor.Enter(gate);
        return new Releaser(gate);
    }

    /// <summary>Materializes a lazy result under the gate (a view must not be enumerated while a commit applies).</summary>
    public static IEnumerable<T> Read<T>(object? gate, Func<IEnumerable<T>> read)
    {
        if (gate is null) return read();
        lock (gate) return read().ToList();
    }

    public readonly struct Releaser(object? gate) : IDisposable
    {
        public void Dispose()
        {
            if (gate is not null) Monitor.Exit(gate);
        }
    }
}
