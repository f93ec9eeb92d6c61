using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid;

/// <summary>
/// The key of a many-to-many join result: the primary keys of the two rows joined. In a left or outer
/// join a row without a partner appears under a key with one side only (<see cref="HasRight"/> or
/// <see cref="HasLeft"/> false); absence is explicit, never a default key.
/// </summary>
/// <typeparam name="TLeftKey">Primary key type of the left table.</typeparam>
/// <typeparam name="TRightKey">Primary key type of the right table.</typeparam>
public readonly record struct JoinKey<TLeftKey, TRightKey>
{
    /// <summary>The key of a matched pair.</summary>
    /// <param name="left">The left row's key.</param>
    /// <param name="right">The right row's key.</param>
    public JoinKey(TLeftKey left, TRightKey right)
    {
        Left = left;
        Right = right;
        HasLeft = true;
        HasRight = true;
    }

    private JoinKey(TLeftKey? left, bool hasLeft, TRightKey? right, bool hasRight)
    {
        Left = left;
        HasLeft = hasLeft;
        Right = right;
        HasRight = hasRight;
    }

    /// <summary>The left row's key (meaningful when <see cref="HasLeft"/>).</summary>
    public TLeftKey? Left { get; }

    /// <summary>True unless this is an unmatched right row of an outer join.</summary>
    public bool HasLeft { get; }

    /// <summary>The right row's key (meaningful when <see cref="HasRight"/>).</summary>
    public TRightKey? Right { get; }

    /// <summary>True unless this is an unmatched left row of a left or outer join.</summary>
    public bool HasRight { get; }

    /// <summary>The key of a left row that matched nothing.</summary>
    /// <param name="left">The left row's key.</param>
    /// <returns>The key.</returns>
    public static JoinKey<TLeftKey, TRightKey> LeftOnly(TLeftKey left) => new(left, true, default, false);

    /// <summary>The key of a right row that matched nothing (outer join).</summary>
    /// <param name="right">The right row's key.</param>
    /// <returns>The key.</returns>
    public static JoinKey<TLeftKey, TRightKey> RightOnly(TRightKey right) => new(default, false, right, true);

    /// <summary>"(left, right)" with "-" for a missing side.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"({(HasLeft ? Left : "-")}, {(HasRight ? Right : "-")})";
}

/// <summary>Serdes for <see cref="JoinKey{TLeftKey,TRightKey}"/>.</summary>
public static class JoinKey
{
    /// <summary>
    /// A serde for join keys: [flags][4-byte left length][left][right]. Keys of one left row sort together.
    /// </summary>
    /// <param name="left">Left key serde; the type's default when null.</param>
    /// <param name="right">Right key serde; the type's default when null.</param>
    /// <typeparam name="TLeftKey">Left key type.</typeparam>
    /// <typeparam name="TRightKey">Right key type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<JoinKey<TLeftKey, TRightKey>> Serde<TLeftKey, TRightKey>(Serde<TLeftKey>? left = null, Serde<TRightKey>? right = null) =>
        new JoinKeySerde<TLeftKey, TRightKey>(left ?? Serdes.Default<TLeftKey>(), right ?? Serdes.Default<TRightKey>());

    private sealed class JoinKeySerde<TLeftKey, TRightKey>(Serde<TLeftKey> left, Serde<TRightKey> right) : WrapperSerde<JoinKey<TLeftKey, TRightKey>>
    {
        public override string Name => $"JoinKey<{left.Name},{right.Name}>";

        public override bool WritesHeaders => left.WritesHeaders || right.WritesHeaders;

        protected override byte[] Write(JoinKey<TLeftKey, TRightKey> value, SerdeContext? context)
        {
            var l = value.HasLeft ? left.SerializeWith(value.Left!, context) : [];
            var r = value.HasRight ? right.SerializeWith(value.Right!, context) : [];
            var b = new byte[5 + l.Length + r.Length];
            b[0] = (byte)((value.HasLeft ? 1 : 0) | (value.HasRight ? 2 : 0));
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(1), l.Length);
            l.CopyTo(b, 5);
            r.CopyTo(b, 5 + l.Length);
            return b;
        }

        protected override JoinKey<TLeftKey, TRightKey> Read(ReadOnlySpan<byte> data, SerdeContext? context)
        {
            if (data.Length < 5 || data[0] is 0 or > 3) throw new SerializationException("Corrupt join key.");
            int n = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
            if (n < 0 || 5 + n > data.Length) throw new SerializationException("Corrupt join key: bad left length.");
            bool hasLeft = (data[0] & 1) != 0, hasRight = (data[0] & 2) != 0;
            if (!hasRight) return JoinKey<TLeftKey, TRightKey>.LeftOnly(left.DeserializeWith(data.Slice(5, n), context));
            var r = right.DeserializeWith(data[(5 + n)..], context);
            return hasLeft ? new JoinKey<TLeftKey, TRightKey>(left.DeserializeWith(data.Slice(5, n), context), r) : JoinKey<TLeftKey, TRightKey>.RightOnly(r);
        }
    }
}
