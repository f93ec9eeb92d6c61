using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Braid.Serialization;

namespace Braid.Internal.Aggregations;

/// <summary>
/// One value of a Collect member store (<see cref="PagedMembers{TKey,TValue}"/>): a page of a group's members (in
/// the view's order), a group's directory (its pages' ids and sizes, in order), or the layout marker. Mutable: the
/// Collect edits the object it read and puts it back, as it did with the whole member list before. A page keeps its
/// members' serialized bytes once it was serialized or read from bytes, so a commit runs the members' serde only for
/// members added since (memory: each member's serialized bytes — its own array, or a slice of the page's bytes when
/// the page was read from them — plus 16 B per member while the object lives in a store's cache or pending writes;
/// nothing on a store that never serializes, as the driver's in-memory one). Pages
/// are serialized on their task's thread (a commit, a changelog write), never concurrently.
/// </summary>
internal sealed class MemberPage<T>
{
    private const byte MarkerTag = (byte)'M', DirectoryTag = (byte)'D', PageTag = (byte)'P', EntryTag = (byte)'E';

    /// <summary>The marker's version of the page layout (directories and pages; <see cref="PagedMembers{TKey,TValue}"/>).</summary>
    internal const byte PagesLayout = 1;

    /// <summary>The marker's version of the entry layout (one entry per member; <see cref="MemberEntries{TKey,TValue}"/>).</summary>
    internal const byte EntriesLayout = 2;

    private MemberPage(byte tag) => Tag = tag;

    private byte Tag { get; }

    private T _value = default!; // an entry's member

    /// <summary>The marker's layout version (<see cref="PagesLayout"/> or <see cref="EntriesLayout"/>).</summary>
    public byte Layout { get; private init; }

    private MemberColumn<T>? _members;

    /// <summary>
    /// Each member's serialized bytes, parallel to <see cref="_members"/> (null until the page is first serialized or
    /// when it was read from bytes; a default entry: not serialized yet). Members are never edited in place — a
    /// Collect change removes the member equal to its old value and inserts its new value as a new member — so a
    /// member's bytes stay valid for as long as it is a member, and a commit serializes only the members added since
    /// the last one (issue 19, s11: re-serializing whole pages through the user's serde was 74% of a RocksDB timeline
    /// commit). Every edit goes through <see cref="Insert"/>, <see cref="RemoveAt"/> and <see cref="SplitOff"/>, which
    /// keep the two lists aligned.
    /// </summary>
    private List<Encoded>? _encoded;

    /// <summary>A page's members (null for a directory or the marker). Read-only: edit through this page's methods.</summary>
    public IReadOnlyList<T>? Members => _members;

    /// <summary>A directory's page ids, in the group's order (null otherwise).</summary>
    public List<int>? PageIds { get; private init; }

    /// <summary>A directory's page sizes, parallel to <see cref="PageIds"/>.</summary>
    public List<int>? Counts { get; private init; }

    /// <summary>A directory's next unused page id (ids are never reused within a group).</summary>
    public int NextId { get; set; }

    public static MemberPage<T> Marker() => new(MarkerTag) { Layout = PagesLayout };

    /// <summary>The marker of a store in <paramref name="layout"/>.</summary>
    public static MemberPage<T> Marker(byte layout) => new(MarkerTag) { Layout = layout };

    /// <summary>One member stored alone (the entry layout, <see cref="MemberEntries{TKey,TValue}"/>).</summary>
    public static MemberPage<T> Entry(T value) => new(EntryTag) { _value = value };

    public bool IsEntry => Tag == EntryTag;

    /// <summary>An entry's member.</summary>
    public T Value => _value;

    public static MemberPage<T> Page(List<T> members) => new(PageTag) { _members = new MemberColumn<T>(members) };

    /// <summary>An empty page.</summary>
    public static MemberPage<T> Page() => new(PageTag) { _members = new MemberColumn<T>() };

    public static MemberPage<T> Directory() => new(DirectoryTag) { PageIds = new List<int>(), Counts = new List<int>() };

    public bool IsMarker => Tag == MarkerTag;

    /// <summary>A page's member at <paramref name="index"/>.</summary>
    public T this[int index] => _members![index];

    /// <summary>A page's member count.</summary>
    public int Count => _members!.Count;

    /// <summary>The page's members' sort keys, in member order (see <see cref="MemberColumn{T}.Keys{TSort}"/>).</summary>
    public ReadOnlySpan<TSort> Keys<TSort>(Func<T, TSort> orderBy, ColumnArrays<TSort>? arrays = null) => _members!.Keys(orderBy, arrays);

    /// <summary>Inserts a member; the column grows through <paramref name="arrays"/> when given (see <see cref="ColumnArrays{T}"/>).</summary>
    public void Insert(int index, T value, ColumnArrays<T>? arrays = null)
    {
        _members!.Insert(index, value, arrays);
        _encoded?.Insert(index, default); // a new member: serialized by the next commit
    }

    public void RemoveAt(int index)
    {
        _members!.RemoveAt(index);
        _encoded?.RemoveAt(index);
    }

    /// <summary>Moves the members from <paramref name="from"/> on (and their bytes) to a new page, returned.</summary>
    public MemberPage<T> SplitOff(int from)
    {
        int n = _members!.Count - from;
        var upper = new MemberPage<T>(PageTag) { _members = _members.SplitOff(from) };
        if (_encoded is not null)
        {
            upper._encoded = _encoded.GetRange(from, n);
            _encoded.RemoveRange(from, n);
        }
        return upper;
    }

    public void CopyTo(int index, T[] array, int arrayIndex, int count) => _members!.CopyTo(index, array, arrayIndex, count);

    /// <summary>
    /// ['P'] then <see cref="ListSerde{T}"/>'s encoding of the members, byte for byte what serializing the whole list
    /// gives, but only members without bytes go through <paramref name="item"/>; each keeps the array its serde
    /// returned. The returned page array is not kept: re-pointing the members into it (one buffer per page) made every
    /// commit's ~6,400 page buffers live until the page's next commit — objects that die old, in gen 2 — and raised
    /// the RocksDB timeline's peak working set by ~470 MB (issue 19, s11); a member's own array lives as long as it does.
    /// </summary>
    private byte[] SerializePage(Serde<T> item, byte[]? reuse, out int length)
    {
        var members = _members!;
        if (_encoded is null)
        {
            _encoded = new List<Encoded>(members.Count);
            CollectionsMarshal.SetCount(_encoded, members.Count); // all default: none serialized yet
        }
        var encoded = CollectionsMarshal.AsSpan(_encoded);
        long size = 5;
        for (int i = 0; i < encoded.Length; i++)
        {
            if (encoded[i].Buffer is null)
            {
                var bytes = item.Serialize(members[i]);
                encoded[i] = new Encoded(bytes, 0, bytes.Length);
            }
            size += 4 + encoded[i].Length;
        }
        // The commit's buffer when it is large enough (IBufferedSerde), else an array of the page's size.
        var page = reuse is not null && reuse.Length >= size ? reuse : new byte[size];
        length = (int)size;
        page[0] = PageTag;
        BinaryPrimitives.WriteInt32BigEndian(page.AsSpan(1), encoded.Length);
        int at = 5;
        for (int i = 0; i < encoded.Length; i++)
        {
            var e = encoded[i];
            BinaryPrimitives.WriteInt32BigEndian(page.AsSpan(at), e.Length);
            e.Buffer.AsSpan(e.Offset, e.Length).CopyTo(page.AsSpan(at + 4));
            at += 4 + e.Length;
        }
        return page;
    }

    /// <summary>A page read from its bytes keeps them (one copy), so its next commit serializes only new members.</summary>
    private static MemberPage<T> ReadPage(ListSerde<T> list, ReadOnlySpan<byte> data)
    {
        var buffer = data.ToArray();
        var spans = new List<(int Offset, int Length)>();
        var page = Page(list.DeserializeList(buffer.AsSpan(1), spans));
        page._encoded = new List<Encoded>(spans.Count);
        foreach (var (offset, length) in spans) page._encoded.Add(new Encoded(buffer, 1 + offset, length));
        return page;
    }

    /// <summary>A member's serialized bytes (a slice of <c>Buffer</c>); <c>Buffer</c> null: not serialized yet.</summary>
    private readonly record struct Encoded(byte[]? Buffer, int Offset, int Length);

    /// <summary>
    /// Marker: ['M'][layout version]. Entry: ['E'] then the member's bytes. Directory: ['D'][next id][n]([id][count])*, big-endian ints. Page: ['P'] then the list
    /// encoding of <see cref="ListSerde{T}"/>. The one-value-per-group layout before it began with a 4-byte count, whose
    /// first byte is 0 for any list under 16M members, so an old value never decodes as a new one.
    /// </summary>
    internal sealed class ValueSerde(ListSerde<T> list) : Serde<MemberPage<T>>, IBufferedSerde<MemberPage<T>>
    {
        public override string Name => $"MemberPage<{list.Name}>";

        public override byte[] Serialize(MemberPage<T> value)
        {
            switch (value.Tag)
            {
                case MarkerTag:
                    return [MarkerTag, value.Layout];
                case EntryTag:
                    var item = list.Item.Serialize(value._value);
                    var e = new byte[1 + item.Length];
                    e[0] = EntryTag;
                    item.CopyTo(e, 1);
                    return e;
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
                    return value.SerializePage(list.Item, null, out _);
            }
        }

        /// <summary>A page into the caller's buffer (a RocksDB commit: no array per page); the rest as <see cref="Serialize(MemberPage{T})"/>.</summary>
        public ReadOnlySpan<byte> Serialize(MemberPage<T> value, ref byte[] buffer)
        {
            if (value.Tag == EntryTag)
            {
                // The member's bytes after the tag, in the commit's buffer; a JSON member without an array of its own
                // (JsonSerde.SerializeToSpan: one array per member put was most of the RocksDB timeline's allocation, s19-tlr).
                ReadOnlySpan<byte> item = list.Item is JsonSerde<T> json ? json.SerializeToSpan(value._value) : list.Item.Serialize(value._value);
                if (buffer.Length < 1 + item.Length) buffer = new byte[Math.Max(1 + item.Length, 2 * buffer.Length)];
                buffer[0] = EntryTag;
                item.CopyTo(buffer.AsSpan(1));
                return buffer.AsSpan(0, 1 + item.Length);
            }
            if (value.Tag != PageTag) return Serialize(value);
            buffer = value.SerializePage(list.Item, buffer, out int length);
            return buffer.AsSpan(0, length);
        }

        public override MemberPage<T> Deserialize(ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty) throw new SerializationException("Not a Collect member page: empty.");
            switch (data[0])
            {
                case MarkerTag when data.Length == 2 && data[1] is PagesLayout or EntriesLayout:
                    return Marker(data[1]);
                case EntryTag:
                    return Entry(list.Item.Deserialize(data[1..]));
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
                    return ReadPage(list, data);
                default:
                    throw new SerializationException(
                        $"Not a Collect member page (first byte 0x{data[0]:X2}): a store written in another layout or version.");
            }
        }
    }
}
