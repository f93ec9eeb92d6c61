using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.Aggregations;

/// <summary>
/// One value of a Collect member store (<see cref="PagedMembers{TKey,TValue}"/>): a page of a group's members (in
/// the view's order), a group's directory (its pages' ids and sizes, in order), or the layout marker. Mutable: the
/// Collect edits the object it read and puts it back, as it did with the whole member list before.
/// </summary>
internal sealed class MemberPage<T>
{
    private const byte MarkerTag = (byte)'M', DirectoryTag = (byte)'D', PageTag = (byte)'P', LayoutVersion = 1;

    private MemberPage(byte tag) => Tag = tag;

    private byte Tag { get; }

    /// <summary>A page's members (null for a directory or the marker).</summary>
    public List<T>? Members { get; private init; }

    /// <summary>A directory's page ids, in the group's order (null otherwise).</summary>
    public List<int>? PageIds { get; private init; }

    /// <summary>A directory's page sizes, parallel to <see cref="PageIds"/>.</summary>
    public List<int>? Counts { get; private init; }

    /// <summary>A directory's next unused page id (ids are never reused within a group).</summary>
    public int NextId { get; set; }

    public static MemberPage<T> Marker() => new(MarkerTag);

    public static MemberPage<T> Page(List<T> members) => new(PageTag) { Members = members };

    public static MemberPage<T> Directory() => new(DirectoryTag) { PageIds = new List<int>(), Counts = new List<int>() };

    public bool IsMarker => Tag == MarkerTag;

    /// <summary>
    /// Marker: ['M'][version]. Directory: ['D'][next id][n]([id][count])*, big-endian ints. Page: ['P'] then the list
    /// encoding of <see cref="ListSerde{T}"/>. The one-value-per-group layout before it began with a 4-byte count, whose
    /// first byte is 0 for any list under 16M members, so an old value never decodes as a new one.
    /// </summary>
    internal sealed class ValueSerde(ListSerde<T> list) : Serde<MemberPage<T>>
    {
        public override string Name => $"MemberPage<{list.Name}>";

        public override byte[] Serialize(MemberPage<T> value)
        {
            switch (value.Tag)
            {
                case MarkerTag:
                    return [MarkerTag, LayoutVersion];
                case DirectoryTag:
                    int n = value.PageIds!.Count;
                    var d = new byte[9 + 8 * n];
                    d[0] = DirectoryTag;
                    BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(1), value.NextId);
                    BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(5), n);
                    for (int i = 0; i < n; i++)
                    {
                        BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(9 + 8 * i), value.PageIds[i]);
                        BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(13 + 8 * i), value.Counts![i]);
                    }
                    return d;
                default:
                    var items = list.Serialize(value.Members!);
                    var p = new byte[items.Length + 1];
                    p[0] = PageTag;
                    items.CopyTo(p, 1);
                    return p;
            }
        }

        public override MemberPage<T> Deserialize(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty) throw new SerializationException("Not a Collect member page: empty.");
            switch (data[0])
            {
                case MarkerTag when data.Length == 2 && data[1] == LayoutVersion:
                    return Marker();
                case DirectoryTag when data.Length >= 9:
                    int n = BinaryPrimitives.ReadInt32BigEndian(data[5..]);
                    if (n < 0 || data.Length != 9 + 8L * n) throw new SerializationException("Corrupt Collect member directory: bad page count.");
                    var dir = Directory();
                    dir.NextId = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
                    for (int i = 0; i < n; i++)
                    {
                        dir.PageIds!.Add(BinaryPrimitives.ReadInt32BigEndian(data[(9 + 8 * i)..]));
                        dir.Counts!.Add(BinaryPrimitives.ReadInt32BigEndian(data[(13 + 8 * i)..]));
                    }
                    return dir;
                case PageTag:
                    return Page(list.DeserializeList(data[1..]));
                default:
                    throw new SerializationException(
                        $"Not a Collect member page (first byte 0x{data[0]:X2}): a store written in another layout or version.");
            }
        }
    }
}
