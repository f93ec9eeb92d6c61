using Braid.Serialization;
using Braid.State;

#pragma warning disable CS8714 // keys may be of a nullable type parameter; the inner store rejects null keys.

namespace Braid.Internal.State.Logging;

/// <summary>
/// A window store whose stored puts are logged under Kafka's windowed changelog key (<see cref="ChangelogKeys.Window"/>):
/// with retained duplicates a 4-byte sequence number keeps every duplicate apart under compaction, as Kafka's
/// ChangeLoggingWindowBytesStore (whose sequence also restarts at zero with each store instance). A put the store
/// drops as expired is not logged. Window stores only expire, so a tombstone is never written and is ignored on restore.
/// </summary>
internal sealed class ChangeLoggingWindowStore<TKey, TValue>(IWindowStore<TKey, TValue> inner, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    bool retainDuplicates, IChangeSink sink)
    : ChangeLoggingStore<IWindowStore<TKey, TValue>>(inner), IWindowStore<TKey, TValue>
{
    private int _seq;

    public long ObservedStreamTime => Inner.ObservedStreamTime;

    public long RetentionMs => Inner.RetentionMs;

    public bool Put(TKey key, TValue value, long timestamp)
    {
        bool stored = Inner.Put(key, value, timestamp);
        // Not idempotent with retained duplicates (a second put adds a second value). Crash safety: the inner write
        // and the change become durable only together, at the host's commit with the input offsets; a crash before
        // it loses both and the record is reprocessed once. Under at-least-once a change logged before the crash can
        // be restored and then redone — the duplicate at-least-once allows, as in Kafka Streams.
        if (stored) sink.Log(ChangelogKeys.Window(keySerde.Serialize(key), timestamp, retainDuplicates ? unchecked(++_seq) : null),
            value is null ? null : valueSerde.Serialize(value), timestamp);
        return stored;
    }

    public override void Restore(byte[] key, byte[]? value, long timestamp)
    {
        if (value is null) return;
        var (k, ts) = ChangelogKeys.ReadWindow(key, retainDuplicates);
        Inner.Put(keySerde.Deserialize(k.Span), valueSerde.Deserialize(value), ts);
    }

    public int Fetch(TKey key, long timeFrom, long timeTo, List<TimestampedValue<TValue>> results) => Inner.Fetch(key, timeFrom, timeTo, results);
}
