using Braid.Serialization;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>What the right side must do with a subscription (Kafka's SubscriptionWrapper.Instruction).</summary>
internal enum SubscriptionInstruction : byte
{
    /// <summary>Remove the subscription; the left side will hear from the new foreign key instead.</summary>
    DeleteNoPropagate = 0,

    /// <summary>Remove the subscription and answer "no match" (the left row is gone or has no foreign key now).</summary>
    DeleteAndPropagate = 1,

    /// <summary>Store the subscription and answer with the right value, or "no match" when there is none.</summary>
    PropagateNullIfNoValue = 2,

    /// <summary>Store the subscription and answer only when a right value exists (a new inner-join row).</summary>
    PropagateOnlyIfValue = 3,
}

/// <summary>
/// A subscription message, keyed by foreign key on the subscription topic: which left row, what to do,
/// and the hash of the left value it was sent for (absent when the left row was deleted).
/// </summary>
internal readonly record struct Subscription<TLeftKey>(TLeftKey LeftKey, SubscriptionInstruction Instruction, UInt128 Hash, bool HasHash);

/// <summary>[instruction][has-hash][16-byte hash][left key].</summary>
internal sealed class SubscriptionSerde<TLeftKey>(Serde<TLeftKey> leftKey) : WrapperSerde<Subscription<TLeftKey>>
{
    public override bool WritesHeaders => leftKey.WritesHeaders;

    // Kafka's KTableImpl.doJoinOnForeignKey serializes the primary key inside a subscription with the key serde
    // and a pseudo topic "<subscription topic>-pk", so a Schema Registry key serde registers it under a subject
    // of its own rather than under the subscription topic's (whose key is the foreign key).
    private static SerdeContext? PrimaryKey(SerdeContext? context) =>
        context is { } c ? new SerdeContext(c.Topic + "-pk", SerdeTarget.Key, c.Headers) : null;

    protected override byte[] Write(Subscription<TLeftKey> value, SerdeContext? context)
    {
        var k = leftKey.SerializeWith(value.LeftKey, PrimaryKey(context));
        var b = new byte[18 + k.Length];
        b[0] = (byte)value.Instruction;
        b[1] = value.HasHash ? (byte)1 : (byte)0;
        if (value.HasHash) ValueHash.Write(b.AsSpan(2), value.Hash);
        k.CopyTo(b, 18);
        return b;
    }

    protected override Subscription<TLeftKey> Read(ReadOnlySpan<byte> data, SerdeContext? context)
    {
        if (data.Length < 18 || data[0] > 3 || data[1] > 1) throw new SerializationException("Corrupt foreign-key subscription.");
        bool hasHash = data[1] == 1;
        return new Subscription<TLeftKey>(leftKey.DeserializeWith(data[18..], PrimaryKey(context)), (SubscriptionInstruction)data[0],
            hasHash ? ValueHash.Read(data[2..]) : default, hasHash);
    }
}

/// <summary>
/// A response message, keyed by left key on the response topic: the right value found (or none) and the
/// hash of the left value the subscription was sent for.
/// </summary>
internal readonly record struct SubscriptionResponse<TRight>(TRight? Right, bool HasRight, UInt128 Hash, bool HasHash);

/// <summary>[has-right | has-hash flags][16-byte hash][right value].</summary>
internal sealed class SubscriptionResponseSerde<TRight>(Serde<TRight> right) : WrapperSerde<SubscriptionResponse<TRight>>
{
    public override bool WritesHeaders => right.WritesHeaders;

    // As Kafka's SubscriptionResponseWrapperSerde: the right value is serialized with the response topic's context.
    protected override byte[] Write(SubscriptionResponse<TRight> value, SerdeContext? context)
    {
        var v = value.HasRight ? right.SerializeWith(value.Right!, context) : [];
        var b = new byte[17 + v.Length];
        b[0] = (byte)((value.HasRight ? 1 : 0) | (value.HasHash ? 2 : 0));
        if (value.HasHash) ValueHash.Write(b.AsSpan(1), value.Hash);
        v.CopyTo(b, 17);
        return b;
    }

    protected override SubscriptionResponse<TRight> Read(ReadOnlySpan<byte> data, SerdeContext? context)
    {
        if (data.Length < 17 || data[0] > 3) throw new SerializationException("Corrupt foreign-key response.");
        bool hasRight = (data[0] & 1) != 0, hasHash = (data[0] & 2) != 0;
        return new SubscriptionResponse<TRight>(hasRight ? right.DeserializeWith(data[17..], context) : default, hasRight,
            hasHash ? ValueHash.Read(data[1..]) : default, hasHash);
    }
}
