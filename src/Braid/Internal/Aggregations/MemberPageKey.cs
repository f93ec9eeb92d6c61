using System.Buffers.Binary;
using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.Internal.Aggregations;

/// <summary>
/// The key of one entry of a Collect member store (<see cref="PagedMembers{TKey,TValue}"/>): a group's page of members,
/// the group's directory, or the store's layout marker. Equality compares groups as the stores compare keys (byte
/// arrays by content).
/// </summary>
internal readonly struct MemberPageKey<TKey> : IEquatable<MemberPageKey<TKey>>
{
    /// <summary>The page number of a group's directory.</summary>
    public const int DirectoryPage = -1;
    private const int MarkerPage = int.MinValue;

    private static readonly IEqualityComparer<TKey> GroupComparer = typeof(TKey) == typeof(byte[])
        ? (IEqualityComparer<TKey>)(object)ByteArrayComparer.Instance
        : EqualityComparer<TKey>.Default;

    public MemberPageKey(TKey group, int page)
    {
        Group = group;
        Page = page;
    }

    /// <summary>The entry that says the store is in this layout (written into an empty store).</summary>
    public static MemberPageKey<TKey> LayoutMarker => new(default!, MarkerPage);

    public TKey Group { get; }

    public int Page { get; }

    public bool IsMarker => Page == MarkerPage;

    /// <summary>The groups' equality as the stores compare keys (byte arrays by content).</summary>
    public static IEqualityComparer<TKey> Groups => GroupComparer;

    /// <summary>Whether two groups are one store key's group (the equality <see cref="Equals(MemberPageKey{TKey})"/> uses).</summary>
    public static bool SameGroup(TKey a, TKey b) => GroupComparer.Equals(a, b);

    public bool Equals(MemberPageKey<TKey> other) => Page == other.Page && (IsMarker || GroupComparer.Equals(Group, other.Group));

    public override bool Equals(object? obj) => obj is MemberPageKey<TKey> k && Equals(k);

    public override int GetHashCode() => HashCode.Combine(IsMarker ? 0 : GroupComparer.GetHashCode(Group!), Page);

    /// <summary>
    /// [group key bytes][page, 4 bytes big-endian]; the layout marker is the one byte 0x00 (shorter than any group's key,
    /// and not empty: an empty key may come back as a null key from a changelog topic).
    /// </summary>
    internal sealed class KeySerde(Serde<TKey> group) : Serde<MemberPageKey<TKey>>
    {
        public override string Name => $"MemberPageKey<{group.Name}>";

        public override byte[] Serialize(MemberPageKey<TKey> value)
        {
            if (value.IsMarker) return [0];
            var g = group.Serialize(value.Group);
            var b = new byte[g.Length + 4];
            g.CopyTo(b, 0);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(g.Length), value.Page);
            return b;
        }

        public override MemberPageKey<TKey> Deserialize(ReadOnlySpan<byte> data)
        {
            if (data.Length == 1 && data[0] == 0) return LayoutMarker;
            if (data.Length < 4) throw new SerializationException("Not a Collect member key: shorter than its page number.");
            return new MemberPageKey<TKey>(group.Deserialize(data[..^4]), BinaryPrimitives.ReadInt32BigEndian(data[^4..]));
        }
    }
}
