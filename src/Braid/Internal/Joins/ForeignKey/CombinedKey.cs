using System.Buffers.Binary;
using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// The key of a subscription (or re-keyed index) store: the foreign key first, then the primary key of
/// the row that references it, so that all rows referencing one foreign key are one prefix scan.
/// </summary>
internal readonly record struct CombinedKey<TPrefix, TPrimary>(TPrefix Prefix, TPrimary Primary);

/// <summary>
/// Bytes of a <see cref="CombinedKey{TPrefix,TPrimary}"/>: [4-byte big-endian prefix length][prefix][primary]
/// (Kafka's CombinedKeySchema layout). The length comes first so that prefix "1" never matches "10".
/// </summary>
internal sealed class CombinedKeySerde<TPrefix, TPrimary>(Serde<TPrefix> prefix, Serde<TPrimary> primary)
    : Serde<CombinedKey<TPrefix, TPrimary>>, IOwnInMemoryStore<CombinedKey<TPrefix, TPrimary>>, IGroupedKeys<CombinedKey<TPrefix, TPrimary>>,
    IBufferedSerde<CombinedKey<TPrefix, TPrimary>>
{
    /// <summary>Serializes only the prefix part, for <c>PrefixScan</c>.</summary>
    public Serde<TPrefix> PrefixSerde { get; } = new PrefixOnly(prefix);

    public override string Name => $"CombinedKey<{prefix.Name},{primary.Name}>";

    /// <summary>The owner's in-memory store groups string keys of the string serde by the strings themselves
    /// (<see cref="StringCombinedKeyStore{TValue}"/>, same rules as the byte-keyed store). Set by the foreign-key join for
    /// its subscription store; the many-to-many indexes keep the byte-keyed store.</summary>
    public bool StringGroups { get; init; }

    /// <summary>In memory, combined keys are grouped by prefix (<see cref="CombinedKeyStore{TPrefix,TPrimary,TValue}"/>).</summary>
    public IKeyValueStore<CombinedKey<TPrefix, TPrimary>, TValue> CreateInMemoryStore<TValue>(string name) =>
        StringGroups && typeof(TPrefix) == typeof(string) && typeof(TPrimary) == typeof(string)
            && ReferenceEquals(prefix, Serdes.String) && ReferenceEquals(primary, Serdes.String)
            ? (IKeyValueStore<CombinedKey<TPrefix, TPrimary>, TValue>)(object)new StringCombinedKeyStore<TValue>(name)
            : new CombinedKeyStore<TPrefix, TPrimary, TValue>(name, prefix, primary);

    // One array per key: the parts are written into it (SerdeBytes), not serialized into arrays of their own first.
    public override byte[] Serialize(CombinedKey<TPrefix, TPrimary> value)
    {
        int np = SerdeBytes.Length(prefix, value.Prefix, out var p);
        int nk = SerdeBytes.Length(primary, value.Primary, out var k);
        var b = new byte[4 + np + nk];
        BinaryPrimitives.WriteInt32BigEndian(b, np);
        SerdeBytes.Write(value.Prefix, p, b.AsSpan(4, np));
        SerdeBytes.Write(value.Primary, k, b.AsSpan(4 + np));
        return b;
    }

    /// <summary>The same bytes into a caller's buffer: a RocksDB commit writes each pending key of the subscription store
    /// (not indexed since the last commit) into its sorted batch without an array of its own (issue 19, session 14).</summary>
    public ReadOnlySpan<byte> Serialize(CombinedKey<TPrefix, TPrimary> value, ref byte[] buffer)
    {
        int np = SerdeBytes.Length(prefix, value.Prefix, out var p);
        int nk = SerdeBytes.Length(primary, value.Primary, out var k);
        int n = 4 + np + nk;
        if (buffer.Length < n) buffer = new byte[n];
        BinaryPrimitives.WriteInt32BigEndian(buffer, np);
        SerdeBytes.Write(value.Prefix, p, buffer.AsSpan(4, np));
        SerdeBytes.Write(value.Primary, k, buffer.AsSpan(4 + np, nk));
        return buffer.AsSpan(0, n);
    }

    /// <summary>The scan prefix of <paramref name="value"/>'s group ([n][prefix], what <see cref="PrefixSerde"/> writes),
    /// written into <paramref name="reuse"/> when it has exactly that length (else into a new array kept there for the
    /// next call): a right-table update scans its group once and needs the bytes only during the scan, and foreign keys
    /// of one length (ids) then share one array (issue 19: a prefix array per right update was a tenth of the driver's
    /// bytes). The array is overwritten by the next call, so it must not be kept.</summary>
    public byte[] GroupPrefix(TPrefix value, ref byte[]? reuse)
    {
        int n = SerdeBytes.Length(prefix, value, out var p);
        var b = reuse is { } r && r.Length == 4 + n ? r : reuse = new byte[4 + n];
        BinaryPrimitives.WriteInt32BigEndian(b, n);
        SerdeBytes.Write(value, p, b.AsSpan(4));
        return b;
    }

    public bool IsGroup(ReadOnlySpan<byte> bytes) => IsWholeGroup(bytes);

    /// <summary>[n][n prefix bytes] is exactly one prefix's keys; [n] with fewer or more bytes (a partial length, or bytes
    /// into the primary) is not. The rule of <see cref="IsGroup"/> and of <see cref="CombinedKeyStore{TPrefix,TPrimary,TValue}"/>'s scans.</summary>
    public static bool IsWholeGroup(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(bytes) == bytes.Length - 4;

    public byte[] GroupOf(CombinedKey<TPrefix, TPrimary> key) => PrefixSerde.Serialize(key.Prefix);

    public byte[] MemberOf(CombinedKey<TPrefix, TPrimary> key)
    {
        int n = SerdeBytes.Length(primary, key.Primary, out var k);
        if (k is not null) return k;
        var b = new byte[n];
        SerdeBytes.Write(key.Primary, null, b);
        return b;
    }

    public int WriteGroup(CombinedKey<TPrefix, TPrimary> key, Span<byte> to)
    {
        int n = SerdeBytes.Length(prefix, key.Prefix, out var p);
        if (4 + n > to.Length) return -1;
        BinaryPrimitives.WriteInt32BigEndian(to, n);
        SerdeBytes.Write(key.Prefix, p, to.Slice(4, n));
        return 4 + n;
    }

    public int WriteMember(CombinedKey<TPrefix, TPrimary> key, Span<byte> to)
    {
        int n = SerdeBytes.Length(primary, key.Primary, out var k);
        if (n > to.Length) return -1;
        SerdeBytes.Write(key.Primary, k, to[..n]);
        return n;
    }

    public override CombinedKey<TPrefix, TPrimary> Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw new SerializationException("A combined key needs at least 4 bytes.");
        int n = BinaryPrimitives.ReadInt32BigEndian(data);
        if (n < 0 || 4 + n > data.Length) throw new SerializationException("Corrupt combined key: bad prefix length.");
        return new CombinedKey<TPrefix, TPrimary>(prefix.Deserialize(data.Slice(4, n)), primary.Deserialize(data[(4 + n)..]));
    }

    private sealed class PrefixOnly(Serde<TPrefix> inner) : Serde<TPrefix>
    {
        public override byte[] Serialize(TPrefix value)
        {
            int n = SerdeBytes.Length(inner, value, out var p);
            var b = new byte[4 + n];
            BinaryPrimitives.WriteInt32BigEndian(b, n);
            SerdeBytes.Write(value, p, b.AsSpan(4));
            return b;
        }

        public override TPrefix Deserialize(ReadOnlySpan<byte> data) =>
            inner.Deserialize(data.Length >= 4 ? data[4..] : throw new SerializationException("A key prefix needs at least 4 bytes."));
    }
}
