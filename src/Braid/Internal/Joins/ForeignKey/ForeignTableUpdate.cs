using Braid.Internal.Nodes;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Right side of a foreign-key join, right-table path (Kafka's ForeignTableJoin): a change of a right row
/// is sent to every left row that currently references its key, found by a prefix scan of the
/// subscription store.
/// <list type="bullet">
/// <item>State: reads the subscription store written by <see cref="SubscriptionReceive{TForeignKey,TLeftKey,TRight}"/>.</item>
/// <item>Emit rule: one response per subscriber, in serialized left-key order, carrying the new right value
/// (none when the right row was deleted) and the subscriber's stored hash, so the left side can
/// discard it if the left row changed meanwhile.</item>
/// <item>Time rule: response ts = the right record's ts (Kafka's ForeignTableJoinProcessorSupplier forwards
/// <c>record.withKey(primaryKey)</c>, keeping the right record's timestamp; vector repro-b4-fk-fanout-ts).</item>
/// <item>Absence: a change with neither old nor new value, or an out-of-order update of a versioned right
/// table (not latest), changes no result and is skipped.</item>
/// </list>
/// </summary>
internal sealed class ForeignTableUpdate<TForeignKey, TRight, TLeftKey>(
    string name, string subscriptionStore, CombinedKeySerde<TForeignKey, TLeftKey> keySerde)
    : ProcessorNode<TForeignKey, Change<TRight>, TLeftKey, SubscriptionResponse<TRight>>(name)
{
    private IKeyValueStore<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>> _store = null!;

    // Reused by every update: filled by the scan, then walked. Safe to share because nothing re-enters this node while
    // it walks: its only child is the response topic's sink.
    private readonly List<KeyValue<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>>> _subscribers = new();

    // The scan prefix's bytes, reused while foreign keys keep their length: stores read a scan's prefix only during the
    // scan (IPrefixScanInto's contract), and nothing re-enters this node before the scan returns.
    private byte[]? _prefix;

    // The string-keyed in-memory store scans by the key itself (StringCombinedKeyStore); other stores take the bytes.
    private IGroupScan<TForeignKey, TLeftKey, ValueAndTimestamp<UInt128>>? _groups;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>>>(subscriptionStore);
        _groups = _store as IGroupScan<TForeignKey, TLeftKey, ValueAndTimestamp<UInt128>>;
    }

    public override void Process(in Record<TForeignKey, Change<TRight>> record)
    {
        var c = record.Value;
        if (record.Key is null || !c.IsLatest || (!c.HasNew && !c.HasOld)) return;
        if (_groups is not null) _groups.ScanGroup(record.Key, _subscribers);
        else IPrefixScanInto<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>>.ScanInto(_store, keySerde.GroupPrefix(record.Key, ref _prefix), _subscribers);
        foreach (var e in _subscribers)
        {
            var response = new SubscriptionResponse<TRight>(c.New, c.HasNew, e.Value.Value, true);
            Forward(new Record<TLeftKey, SubscriptionResponse<TRight>>(e.Key.Primary, response, record.Timestamp, record.Headers));
        }
        _subscribers.Clear();
    }
}
