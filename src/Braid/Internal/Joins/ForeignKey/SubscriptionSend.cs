using Braid.Internal.Nodes;
using Braid.Serialization;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Left side of a foreign-key table–table join (KIP-213, Kafka Streams 4.x SubscriptionSend): turns each
/// left-table change into subscription messages keyed by foreign key, for the subscription topic.
/// <list type="bullet">
/// <item>State: none (the left table's store is read later by <see cref="ResponseResolver{TLeftKey,TLeft,TRight,TResult}"/>).</item>
/// <item>Emit rule: a left row whose foreign key changes sends <see cref="SubscriptionInstruction.DeleteNoPropagate"/>
/// to the old key and a propagating subscription to the new one, so exactly one response decides the new
/// result (the KAFKA-16394 fix: a left join does not emit twice). When no new subscription follows (row
/// deleted, or an inner join whose new foreign key is null), the old key gets
/// <see cref="SubscriptionInstruction.DeleteAndPropagate"/> and its answer retracts the result. A brand-new
/// inner-join row subscribes with <see cref="SubscriptionInstruction.PropagateOnlyIfValue"/> (no match: no
/// output); every other update uses <see cref="SubscriptionInstruction.PropagateNullIfNoValue"/>, which yields
/// Kafka's "unnecessary" inner-join tombstones when a row moves between non-matching keys.</item>
/// <item>Time rule: messages carry the left record's timestamp.</item>
/// <item>Absence: a null foreign key matches nothing. Left join: the message is sent with a null key and
/// answered "no match" at once, so the row still appears as (left, null) (Kafka 4.x). Inner join: nothing is
/// sent for it. Out-of-order updates of a versioned left table (not latest) change no result and are skipped.</item>
/// </list>
/// Pinned by the doc-fk-table-table-* and it-fk-* vectors and ForeignKeyJoinTests.
/// </summary>
internal sealed class SubscriptionSend<TLeftKey, TLeft, TForeignKey>(
    string name, Func<TLeftKey, TLeft, TForeignKey?> extractor, Serde<TLeft> leftSerde, Serde<TForeignKey> foreignKeySerde, bool leftJoin)
    : ProcessorNode<TLeftKey, Change<TLeft>, TForeignKey, Subscription<TLeftKey>>(name)
{
    public override void Process(in Record<TLeftKey, Change<TLeft>> record)
    {
        var c = record.Value;
        if (!c.IsLatest || record.Key is null) return;
        var key = record.Key;
        TForeignKey? oldFk = c.HasOld ? extractor(key, c.Old!) : default;
        TForeignKey? newFk = c.HasNew ? extractor(key, c.New!) : default;
        bool hasOldFk = oldFk is not null, hasNewFk = newFk is not null;
        UInt128 hash = c.HasNew ? ValueHash.Of(leftSerde, c.New!) : default;

        // A propagating subscription follows when the new row exists and can be answered: it has a foreign
        // key, or this is a left join (a null key is answered "no match").
        bool sendsNew = c.HasNew && (hasNewFk || leftJoin);
        if (hasOldFk && (!hasNewFk || !SameKey(oldFk!, newFk!)))
        {
            var instruction = sendsNew ? SubscriptionInstruction.DeleteNoPropagate : SubscriptionInstruction.DeleteAndPropagate;
            Send(oldFk, new Subscription<TLeftKey>(key, instruction, hash, c.HasNew), record);
        }
        if (sendsNew)
        {
            var instruction = c.HasOld || leftJoin ? SubscriptionInstruction.PropagateNullIfNoValue : SubscriptionInstruction.PropagateOnlyIfValue;
            Send(newFk, new Subscription<TLeftKey>(key, instruction, hash, true), record);
        }
        else if (!c.HasNew && c.HasOld && !hasOldFk && leftJoin)
        {
            // The deleted row had a null foreign key, so its (left, null) result must be retracted.
            Send(default, new Subscription<TLeftKey>(key, SubscriptionInstruction.DeleteAndPropagate, default, false), record);
        }
        else if (c.HasNew && !hasNewFk && !leftJoin) Context.RecordDropped(Name, "null-foreign-key");
    }

    // Foreign keys are compared by their bytes, as Kafka does: the subscription store is keyed by bytes.
    private bool SameKey(TForeignKey a, TForeignKey b) => SerdeBytes.Equal(foreignKeySerde, a, b);

    private void Send(TForeignKey? fk, in Subscription<TLeftKey> s, in Record<TLeftKey, Change<TLeft>> from) =>
        Forward(new Record<TForeignKey, Subscription<TLeftKey>>(fk, s, from.Timestamp, from.Headers));
}
