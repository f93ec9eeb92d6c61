#pragma warning disable CS8714 // Group keys are never null: TableCollect drops null group keys before its member store.
using Braid.Internal.State;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// The entry layout of a Collect member store (marker version <see cref="MemberPage{T}.EntriesLayout"/>): one store entry
/// per member, <c>(group, label)</c> → the member alone, where the label (31 bits, ≥ 0) orders the group's members as the
/// key's bytes do (the page number's big-endian bytes). An insert takes a label between its neighbours' and writes one
/// entry; a removal deletes one. Issue 19, s14-rkv: with 64-member pages every change rewrote a ~3 KB page (~10 KB of
/// RocksDB writes per timeline event, the WAL append and memtable inserts being pure byte volume); an entry is the
/// member's ~100 bytes.
/// <para>A group is read from the store once, by a range scan over its labels, and kept in memory (its members and
/// labels, <see cref="Group"/>) while the task lives, up to a bound on the members kept (past it the cache is dropped and
/// refilled from the store). The store stays the truth: every change's writes go to the store in <see cref="Save"/>,
/// pending until the task's next atomic commit, so a reopened store (a crash, a restart, a restore from the changelog,
/// whose records are these entries) holds all of a change or none, and a new task reads it afresh. The cache is valid
/// because this object is the member store's only writer while the task lives (the DSL gives each Collect its own
/// store; a discarded commit — <c>DiscardPending</c> — is always followed by the task's rebuild, which makes a new
/// object); a change that threw between <see cref="Load"/> and <see cref="Save"/> drops its group from the cache.</para>
/// <para>No directory: the labels' order is the group's order, so the layout never writes per-group metadata. When an
/// insert finds no free label between its neighbours, the group is relabelled (evenly over the middle half of the label
/// space: room for thousands of inserts at either end and ~20 halvings of each gap), writing every member once.</para>
/// </summary>
internal sealed class MemberEntries<TKey, TValue>(string storeName, IKeyValueStore<MemberPageKey<TKey>, MemberPage<TValue>> store, long cacheMembers)
{
    /// <summary>Members kept in memory across groups before the cache is dropped: what the RocksDB value cache's 65,536 entries held as 64-member pages.</summary>
    internal const long DefaultCacheMembers = 65_536L * 64;

    private const long Space = int.MaxValue; // labels are 0 … Space - 1
    private const long EndStep = 1 << 16; // an insert at either end steps this far from its neighbour

    private readonly Dictionary<TKey, Group> _groups = new(MemberPageKey<TKey>.Groups);
    private long _cached; // members in _groups
    private Group _group = null!;
    private TKey _key = default!;
    private bool _open; // Load without Save: the group's cached copy may hold edits the store never got
    private readonly List<(int Label, TValue Value)> _puts = new();
    private readonly List<int> _deletes = new();
    // Arrays the cached groups' columns outgrew, for the next growth (see ColumnArrays).
    private readonly ColumnArrays<TValue> _arrays = new();
    private readonly ColumnArrays<int> _labelArrays = new();
    // The store's delete without a read (a RocksDB store; issue 19, s17-tl: Delete read and deserialized each removed
    // member the value cache no longer held, 7.9 % of the RocksDB timeline's pass), or null: Delete.
    private readonly IDeleteKnown<MemberPageKey<TKey>>? _knownDeletes = store as IDeleteKnown<MemberPageKey<TKey>>;

    public int Count => _group.Members.Count;

    /// <summary>Relabellings so far (tests).</summary>
    internal long Relabels { get; private set; }

    public void Load(TKey group)
    {
        if (_open) Drop(_key); // the last change stopped between Load and Save
        _puts.Clear();
        _deletes.Clear();
        _key = group;
        _open = true;
        if (_groups.TryGetValue(group, out var cached))
        {
            _group = cached;
            return;
        }
        var g = new Group();
        foreach (var e in store.Range(new MemberPageKey<TKey>(group, 0), new MemberPageKey<TKey>(group, int.MaxValue)))
        {
            // A longer group whose key begins with this group's bytes sorts inside the range: skip it.
            if (!MemberPageKey<TKey>.SameGroup(e.Key.Group, group)) continue;
            if (!e.Value.IsEntry)
                throw new StateStoreException(storeName, $"Collect member store '{storeName}': group entry {e.Key.Page} is not a member entry (a store of two layouts).");
            g.Members.Insert(g.Members.Count, e.Value.Value, _arrays);
            g.Labels.Insert(g.Labels.Count, e.Key.Page, _labelArrays);
        }
        g.Stored = g.Members.Count > 0;
        if (_cached + g.Members.Count > cacheMembers) Clear();
        _groups[group] = g;
        _cached += g.Members.Count;
        _group = g;
    }

    public TValue this[int index] => _group.Members[index];

    public void Insert(int index, TValue value)
    {
        var labels = _group.Labels;
        int n = labels.Count;
        long prev = index > 0 ? labels[index - 1] : -1, next = index < n ? labels[index] : Space;
        long label = n == 0 ? Space / 2
            : index == 0 && next - EndStep > prev ? next - EndStep
            : index == n && prev + EndStep < next ? prev + EndStep
            : next - prev >= 2 ? prev + (next - prev) / 2
            : -1;
        _group.Members.Insert(index, value, _arrays);
        _cached++;
        if (label < 0) Relabel();
        else
        {
            labels.Insert(index, (int)label, _labelArrays);
            _puts.Add(((int)label, value));
        }
    }

    public void RemoveAt(int index)
    {
        int label = _group.Labels[index];
        _group.Members.RemoveAt(index);
        _group.Labels.RemoveAt(index);
        _cached--;
        // A member put by this change and removed again never reaches the store (Save deletes before it puts).
        // A loop, not FindIndex with a lambda: the lambda captured `label`, an object per removal (s19-tlr).
        for (int i = 0; i < _puts.Count; i++)
        {
            if (_puts[i].Label != label) continue;
            _puts.RemoveAt(i);
            break;
        }
        _deletes.Add(label);
    }

    public void CopyFirst(TValue[] result, int count) => _group.Members.CopyTo(0, result, 0, count);

    /// <summary>
    /// Writes this change: its deletions, then its puts (a label freed and taken again by the same change ends put), and
    /// the layout marker with a group's first members. All pending until the task's next commit (one atomic batch).
    /// </summary>
    public void Save()
    {
        // Every label deleted here is the store's (read by Load's scan, or put by an earlier Save; a label this change put
        // and removed again may not be: a tombstone at most), so the delete need not read it first (IDeleteKnown).
        foreach (int label in _deletes)
        {
            if (_knownDeletes is { } known) known.DeleteKnown(new MemberPageKey<TKey>(_key, label));
            else store.Delete(new MemberPageKey<TKey>(_key, label));
        }
        foreach (var (label, value) in _puts) store.Put(new MemberPageKey<TKey>(_key, label), MemberPage<TValue>.Entry(value));
        bool stored = Count > 0;
        // Committed groups always come with the marker: it is written in the same commit as a group's first entries.
        if (stored && !_group.Stored) store.Put(MemberPageKey<TKey>.LayoutMarker, MemberPage<TValue>.Marker(MemberPage<TValue>.EntriesLayout));
        _group.Stored = stored;
        _puts.Clear();
        _deletes.Clear();
        _open = false;
    }

    /// <summary>
    /// New labels for the whole group (its members already in place, one more than its labels: the one inserted where no
    /// label was free), evenly over the middle half of the label space; every old label deleted unless taken again.
    /// </summary>
    private void Relabel()
    {
        Relabels++;
        var labels = _group.Labels;
        var members = _group.Members;
        foreach (var l in labels) _deletes.Add(l);
        _puts.Clear(); // labels this change put are among the old ones: deleted above, their members put again below
        var fresh = new MemberColumn<int>(members.Count);
        long step = Space / 2 / (members.Count + 1);
        for (int i = 0; i < members.Count; i++)
        {
            int label = (int)(Space / 4 + step * (i + 1));
            fresh.Insert(i, label);
            _puts.Add((label, members[i]));
        }
        _group.Labels = fresh;
    }

    private void Drop(TKey group)
    {
        if (_groups.Remove(group, out var g)) _cached -= g.Members.Count;
    }

    private void Clear()
    {
        _groups.Clear();
        _cached = 0;
    }

    /// <summary>A group's members in order and their labels, parallel.</summary>
    private sealed class Group
    {
        public readonly MemberColumn<TValue> Members = new();
        public MemberColumn<int> Labels = new();
        public bool Stored; // the store holds (or its pending writes hold) at least one of the group's entries
    }
}
