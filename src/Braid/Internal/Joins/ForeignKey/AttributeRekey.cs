using Braid.Internal.Nodes;
using Braid.Serialization;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Re-keys one side of a many-to-many join by its join attribute: a table change becomes "leave the old
/// attribute" and/or "upsert at the new attribute" messages for the attribute-partitioned topic.
/// <list type="bullet">
/// <item>State: none.</item>
/// <item>Emit rule: a row whose attribute changes (or that is deleted) sends a removal to its old
/// attribute first, then an upsert to the new one; an update that keeps its attribute sends one upsert.</item>
/// <item>Time rule: messages carry the table record's timestamp.</item>
/// <item>Absence: a null attribute matches nothing. For a side whose rows must appear even unmatched
/// (left of a left join, both of an outer join) its messages are still sent, with a null key, so the row
/// appears with the other side missing; otherwise they are not sent. Out-of-order versioned updates are skipped.</item>
/// </list>
/// </summary>
internal sealed class AttributeRekey<TPk, TValue, TAttr>(
    string name, Func<TPk, TValue, TAttr?> selector, Serde<TAttr> attrSerde, bool preserved)
    : ProcessorNode<TPk, Change<TValue>, TAttr, RowMessage<TPk, TValue>>(name)
{
    public override void Process(in Record<TPk, Change<TValue>> record)
    {
        var c = record.Value;
        if (!c.IsLatest || record.Key is null) return;
        var pk = record.Key;
        TAttr? oldAttr = c.HasOld ? selector(pk, c.Old!) : default;
        TAttr? newAttr = c.HasNew ? selector(pk, c.New!) : default;
        bool oldSent = c.HasOld && (oldAttr is not null || preserved);
        bool newSent = c.HasNew && (newAttr is not null || preserved);
        if (oldSent && (!newSent || !Same(oldAttr, newAttr)))
            Forward(new Record<TAttr, RowMessage<TPk, TValue>>(oldAttr, new RowMessage<TPk, TValue>(pk, default, false), record.Timestamp, record.Headers));
        if (newSent)
            Forward(new Record<TAttr, RowMessage<TPk, TValue>>(newAttr, new RowMessage<TPk, TValue>(pk, c.New, true), record.Timestamp, record.Headers));
        else if (c.HasNew) Context.RecordDropped(Name, "null-join-attribute");
    }

    // Attributes are compared by bytes: the index stores are keyed by bytes.
    private bool Same(TAttr? a, TAttr? b) =>
        a is null ? b is null
        : b is not null && SerdeBytes.Equal(attrSerde, a, b);
}
