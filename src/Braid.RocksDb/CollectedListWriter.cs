using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Braid.Internal.Aggregations;

namespace Braid.RocksDb;

/// <summary>
/// Writes a Collect's result (a timestamped list through <see cref="ListSerde{T}"/>: <c>[8-byte ts][count]([length][item])*</c>)
/// into a commit's reused buffer, byte for byte what <c>ValueAndTimestampSerde(ListSerde(item))</c> returns, and keeps the
/// bytes of the items it wrote for one commit more, by reference: a view that changed since the last commit (a timeline's
/// 50 lines gain a few at the front) costs the item serde only for items it did not hold then. Before (issue 19, s13-rkv
/// profile of the RocksDB timeline): each view was serialized whole per commit — 50 JSON items, then three copies of the
/// list (parts, list, timestamped) — ~14 KB of arrays per touched view, every commit touching all ~1,000 views.
/// <para>Why bytes kept by reference stay right: a collected list's items are the Collect's members, which are never
/// edited in place (a change removes the old member and inserts its new value as a new object, as
/// <see cref="MemberPage{T}"/>'s kept bytes rely on), and the item serde is deterministic. Value-type items are not kept
/// (no identity): they are serialized each time, into the buffer still.</para>
/// Not thread-safe: one per store, used by the committing thread.
/// </summary>
internal sealed class CollectedListWriter<TItem> : IBufferedSerde<ValueAndTimestamp<IReadOnlyList<TItem>>>
{
    private static readonly bool Keeps = !typeof(TItem).IsValueType;
    private readonly Serde<TItem> _item;
    // Items written by the previous commit and by this one (by reference): two generations, so a commit's lookups find
    // what the last commit wrote and whatever was not written again is dropped at the next one.
    private Dictionary<object, byte[]> _previous = new(ReferenceEqualityComparer.Instance);
    private Dictionary<object, byte[]> _current = new(ReferenceEqualityComparer.Instance);

    // Off until a store calls BeginCommit: a writer whose owner never starts commits must not keep every item it wrote.
    private bool _keeping;

    private CollectedListWriter(ListSerde<TItem> list) => _item = list.Item;

    /// <summary>A writer for <paramref name="serde"/> when it is a timestamped <see cref="ListSerde{T}"/> (a Collect's store), else null.</summary>
    public static CollectedListWriter<TItem>? TryCreate(Serde<ValueAndTimestamp<IReadOnlyList<TItem>>> serde) =>
        serde is ValueAndTimestampSerde<IReadOnlyList<TItem>> { Inner: ListSerde<TItem> list } ? new CollectedListWriter<TItem>(list) : null;

    /// <summary>Items serialized so far (tests).</summary>
    internal long ItemsSerialized { get; private set; }

    /// <summary>Starts a commit: the items the last one wrote stay findable, older ones are dropped.</summary>
    public void BeginCommit()
    {
        _keeping = true;
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }

    public ReadOnlySpan<byte> Serialize(ValueAndTimestamp<IReadOnlyList<TItem>> value, ref byte[] buffer)
    {
        var items = value.Value;
        int n = items.Count;
        int at = 12;
        Ensure(ref buffer, at);
        BinaryPrimitives.WriteInt64BigEndian(buffer, value.Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(8), n);
        for (int i = 0; i < n; i++)
        {
            var bytes = Bytes(items[i]);
            Ensure(ref buffer, at + 4 + bytes.Length);
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), bytes.Length);
            bytes.CopyTo(buffer.AsSpan(at + 4));
            at += 4 + bytes.Length;
        }
        return buffer.AsSpan(0, at);
    }

    private byte[] Bytes(TItem item)
    {
        if (!Keeps || !_keeping || item is null) return Serialized(item);
        object key = item;
        if (_current.TryGetValue(key, out var bytes)) return bytes;
        if (!_previous.Remove(key, out bytes)) bytes = Serialized(item);
        _current[key] = bytes;
        return bytes;
    }

    private byte[] Serialized(TItem item)
    {
        ItemsSerialized++;
        return _item.Serialize(item);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ensure(ref byte[] buffer, int size)
    {
        if (buffer.Length < size) Array.Resize(ref buffer, Math.Max(size, Math.Max(256, buffer.Length * 2)));
    }
}
