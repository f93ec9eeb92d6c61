using Braid.Internal.Nodes;
using Braid.Internal.Tables;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Right side of a foreign-key join, subscription path (Kafka's SubscriptionReceive + SubscriptionJoin):
/// records which left rows reference which foreign key, and answers each subscription with the right
/// table's current value for that key.
/// <list type="bullet">
/// <item>State: the subscription store, (foreign key, left key) → (hash of the left value, timestamp), so a
/// right update finds its subscribers with one prefix scan (<see cref="ForeignTableUpdate{TForeignKey,TRight,TLeftKey}"/>).</item>
/// <item>Emit rule: per <see cref="SubscriptionInstruction"/>: DeleteNoPropagate answers nothing;
/// DeleteAndPropagate answers "no match"; PropagateNullIfNoValue answers the value or "no match";
/// PropagateOnlyIfValue answers only when there is a value.</item>
/// <item>Time rule: every response, DeleteAndPropagate included, has ts = max(subscription ts, right value ts),
/// or the subscription's ts when the right table holds no value for the key (Kafka's
/// SubscriptionJoinProcessorSupplier computes resultTimestamp once, before the instruction switch; vector
/// repro-b4-fk-inner-delete-ts).</item>
/// <item>Absence: a null foreign key (left joins only send it) is answered "no match" without touching
/// the store; any other null-key subscription is malformed and counted as dropped.</item>
/// </list>
/// </summary>
internal sealed class SubscriptionReceive<TForeignKey, TLeftKey, TRight>(
    string name, string subscriptionStore, TableValueGetterSupplier<TForeignKey, TRight> right)
    : ProcessorNode<TForeignKey, Subscription<TLeftKey>, TLeftKey, SubscriptionResponse<TRight>>(name)
{
    private IKeyValueStore<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>> _store = null!;
    private ITableValueGetter<TForeignKey, TRight> _right = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _store = context.GetStore<IKeyValueStore<CombinedKey<TForeignKey, TLeftKey>, ValueAndTimestamp<UInt128>>>(subscriptionStore);
        _right = right.Create(context);
    }

    public override void Process(in Record<TForeignKey, Subscription<TLeftKey>> record)
    {
        var s = record.Value;
        if (s.LeftKey is null)
        {
            Context.RecordDropped(Name, "null-left-key");
            return;
        }
        if (record.Key is null)
        {
            bool answers = s.Instruction is SubscriptionInstruction.PropagateNullIfNoValue or SubscriptionInstruction.DeleteAndPropagate;
            if (answers) Respond(s, hasRight: false, default, record.Timestamp, record);
            else Context.RecordDropped(Name, "null-foreign-key");
            return;
        }

        var key = new CombinedKey<TForeignKey, TLeftKey>(record.Key, s.LeftKey);
        if (s.Instruction == SubscriptionInstruction.DeleteNoPropagate)
        {
            _store.Delete(key);
            return;
        }
        bool found = _right.TryGet(record.Key, out var r);
        long ts = found ? Math.Max(record.Timestamp, r.Timestamp) : record.Timestamp;
        if (s.Instruction == SubscriptionInstruction.DeleteAndPropagate)
        {
            _store.Delete(key);
            Respond(s, hasRight: false, default, ts, record);
            return;
        }

        _store.Put(key, new ValueAndTimestamp<UInt128>(s.Hash, record.Timestamp));
        if (found) Respond(s, hasRight: true, r.Value, ts, record);
        else if (s.Instruction == SubscriptionInstruction.PropagateNullIfNoValue) Respond(s, hasRight: false, default, ts, record);
    }

    private void Respond(in Subscription<TLeftKey> s, bool hasRight, TRight? value, long ts, in Record<TForeignKey, Subscription<TLeftKey>> from) =>
        Forward(new Record<TLeftKey, SubscriptionResponse<TRight>>(s.LeftKey,
            new SubscriptionResponse<TRight>(value, hasRight, s.Hash, s.HasHash), ts, from.Headers));
}
