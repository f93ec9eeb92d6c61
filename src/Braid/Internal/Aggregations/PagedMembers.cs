using Braid.Internal.State;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// One group's members of a <see cref="TableCollect{TKey,TValue,TSort}"/>, kept in its member store as pages, so that a
/// change writes the page it touched and the group's small directory instead of the whole member list (issue 19: a
/// timeline follower holds ~1,650 members; one value per group made every RocksDB commit serialize each touched
/// group whole). Store entries: <c>(group, -1)</c> → the directory (page ids and sizes, in order);
/// <c>(group, id)</c> → a page of at most <see cref="MaxPage"/> members (by default) in the view's order; the one-byte key 0x00 → the
/// layout marker. A full page splits in two; an emptied page is deleted; a group with no members has no entries.
/// <para>Pages are read lazily (a change reads the directory and the pages its binary searches visit); the stores
/// keep the objects (the in-memory store, RocksDB's pending writes and cache), so the driver pays a few dictionary
/// lookups more than with one list and no serialization. Crash safety is the store's: every page and directory
/// write of a change is pending until the same atomic commit, so a reopened store holds all of a change or none.</para>
/// <para>An empty store given <c>entries</c> (a persistent one: TableCollect) takes the entry layout instead, one store entry per
/// member (<see cref="MemberEntries{TKey,TValue}"/>), and so does any store whose marker says so; a store whose marker says
/// pages keeps pages (a store written by an earlier version reads on, no migration).</para>
/// </summary>
internal sealed class PagedMembers<TKey, TValue>(string storeName, IKeyValueStore<MemberPageKey<TKey>, MemberPage<TValue>> store,
    int maxPage = PagedMembers<TKey, TValue>.MaxPage, bool entries = false, long cacheMembers = MemberEntries<TKey, TValue>.DefaultCacheMembers)
{
    /// <summary>
    /// Members per page before it splits (the default; tests pass smaller ones). 64 timeline entries are a few KB, and a
    /// 1,650-member group's directory is ~50 pages (~400 bytes): a change writes both instead of ~130 KB.
    /// </summary>
    internal const int MaxPage = 64;

    private readonly List<MemberPage<TValue>?> _pages = new(); // parallel to the directory's ids, read on first use
    private readonly List<int> _starts = new(); // index of each page's first member
    private readonly List<(int Id, MemberPage<TValue> Page)> _dirty = new();
    private readonly List<int> _deleted = new();
    private TKey _group = default!;
    private MemberPage<TValue> _dir = null!;
    // The group's one page when it is kept whole under its directory key (see Inline); null: the directory layout.
    private MemberPage<TValue>? _inline;

    // The bare in-memory store keeps the page object it was given and does nothing else on a put (no log, no cache), so
    // putting back the object it already holds under the same key changes nothing: Save skips that put (one hash lookup
    // per change). Any wrapper (a change-logging store) gets every put.
    private readonly InMemoryKeyValueStore<MemberPageKey<TKey>, MemberPage<TValue>>? _memory =
        store as InMemoryKeyValueStore<MemberPageKey<TKey>, MemberPage<TValue>>;
    private bool KeepsObjects => _memory is not null;
    private bool _stored, _layoutChecked;

    // The last group, kept by Save for the next Load (inline layout only): a follow sends its followee's tweets (~34) to
    // one follower one after another, and each Load was a store lookup with ~3 cache misses (hash of the key, the entry, the stored key:
    // issue 19, s15-tl: Load 13 % of the driver's timeline loop). Valid only while the store's write count is the one
    // Save saw: any put or delete since (another Collect over the same store, a restore, a test's write) means a fresh
    // lookup. Valid only right after a Save: a change that threw between Load and Save may have edited a page the
    // store never got (a new group's), so the next Load reads the store.
    private bool _cached;
    private long _cachedWrites;

    // The member arrays this Collect's groups outgrew, for its next growth (ColumnArrays: ~2x a group's final array was
    // allocated and dropped by doubling).
    private readonly ColumnArrays<TValue> _arrays = new();

    // The entry layout (chosen by CheckLayout): every call goes there.
    private MemberEntries<TKey, TValue>? _entries;

    /// <summary>The entry layout's object when the store is in it (tests).</summary>
    internal MemberEntries<TKey, TValue>? Entries => _entries;

    public int Count { get; private set; }

    /// <summary>
    /// Unbounded pages (<c>maxPage</c> = <see cref="int.MaxValue"/>, the in-memory store's): a group is one page, kept
    /// under its directory key itself, without a directory. A change then reads one store entry and writes one, instead
    /// of reading and writing the directory and the page — two lookups, and ~5 dependent cache misses on the directory's
    /// object, lists and arrays before the first member (issue 19, s13-tl: <c>Load</c> 12.8 % self of the driver's
    /// timeline loop). A directory-layout group read here (a changelog written with bounded pages) is kept as it is;
    /// a whole page read where pages are bounded becomes a directory of that one page (see <see cref="Load"/>).
    /// </summary>
    /// Only over the bare in-memory store: a change-logged one keeps the directory layout, so its changelog's records
    /// stay what every Braid version reads (an older instance restoring a whole page where it expects a directory would
    /// fail during a rolling upgrade), and the gain is the in-memory store's own lookups.
    private bool Inline => maxPage == int.MaxValue && KeepsObjects;

    /// <summary>
    /// The group's members' sort keys in member order, when the group is one page (<paramref name="keys"/> is empty and
    /// false returned otherwise, and for an empty group). Kept in the page beside its members (16 B per member for a
    /// timeline's <c>(ts, id)</c>) for as long as the page object lives, so only stores that keep their objects use it:
    /// the in-memory store, whose groups are one page (see <see cref="TableCollect{TKey,TValue,TSort}"/>). A persistent
    /// store's pages are read back from bytes, where building the keys would cost one <paramref name="orderBy"/> per
    /// member instead of ~log2(n).
    /// </summary>
    public bool OnePageKeys<TSort>(Func<TValue, TSort> orderBy, ColumnArrays<TSort>? arrays, out ReadOnlySpan<TSort> keys)
    {
        if (_entries is not null)
        {
            keys = default;
            return false;
        }
        if (_inline is { } one && Count > 0)
        {
            keys = one.Keys(orderBy, arrays);
            return true;
        }
        if (_inline is not null || _pages.Count != 1)
        {
            keys = default;
            return false;
        }
        keys = Page(0).Keys(orderBy, arrays);
        return true;
    }

    /// <summary>Reads <paramref name="group"/>'s directory; pages are read on first use.</summary>
    public void Load(TKey group)
    {
        if (!_layoutChecked) CheckLayout();
        if (_entries is { } e)
        {
            e.Load(group);
            Count = e.Count;
            return;
        }
        if (_cached && _memory!.Writes == _cachedWrites && MemberPageKey<TKey>.SameGroup(_group, group))
        {
            // The store holds what Save left: _inline under this group's key when _stored, nothing otherwise (an
            // emptied group's page is empty, as the fresh page a lookup would give).
            _cached = false;
            _group = group;
            Count = _inline!.Count;
            return;
        }
        _cached = false;
        _group = group;
        _stored = store.TryGet(new MemberPageKey<TKey>(group, MemberPageKey<TKey>.DirectoryPage), out var dir);
        bool whole = _stored && dir.Members is not null; // a group kept as one page under its directory key
        if (Inline && (!_stored || whole))
        {
            _inline = whole ? dir : MemberPage<TValue>.Page();
            Count = _inline.Count;
            return;
        }
        _inline = null;
        _pages.Clear();
        _dirty.Clear();
        _deleted.Clear();
        if (whole)
        {
            // Bounded pages over a group kept whole (a changelog of the in-memory layout restored into a persistent
            // store): it becomes page 0 of a new directory; Save writes both, the directory replacing the whole page.
            _dir = MemberPage<TValue>.Directory();
            _dir.PageIds!.Add(_dir.NextId++);
            _dir.Counts!.Add(dir.Count);
            _pages.Add(dir);
            _dirty.Add((0, dir));
        }
        else
        {
            _dir = _stored ? dir : MemberPage<TValue>.Directory();
            for (int i = 0; i < _dir.PageIds!.Count; i++) _pages.Add(null);
        }
        Restart();
    }

    public TValue this[int index]
    {
        get
        {
            if (_inline is { } one) return one[index];
            if (_entries is { } e) return e[index];
            int p = Locate(index);
            return Page(p)[index - _starts[p]];
        }
    }

    public void Insert(int index, TValue value)
    {
        if (_inline is { } one)
        {
            one.Insert(index, value, _arrays);
            Count++;
            return;
        }
        if (_entries is { } e)
        {
            e.Insert(index, value);
            Count = e.Count;
            return;
        }
        var ids = _dir.PageIds!;
        if (ids.Count == 0)
        {
            ids.Add(_dir.NextId++);
            _dir.Counts!.Add(0);
            _pages.Add(MemberPage<TValue>.Page());
            _starts.Add(0);
        }
        int p = Locate(index);
        var page = Page(p);
        page.Insert(index - _starts[p], value, _arrays);
        _dir.Counts![p]++;
        _dirty.Add((ids[p], page));
        if (page.Count > maxPage)
        {
            // Split: the upper half moves to a new page right after this one.
            int half = page.Count / 2;
            var upper = page.SplitOff(half);
            int id = _dir.NextId++;
            ids.Insert(p + 1, id);
            _dir.Counts[p] = half;
            _dir.Counts.Insert(p + 1, upper.Count);
            _pages.Insert(p + 1, upper);
            _dirty.Add((id, upper));
        }
        Restart();
    }

    public void RemoveAt(int index)
    {
        if (_inline is { } one)
        {
            one.RemoveAt(index);
            Count--;
            return;
        }
        if (_entries is { } e)
        {
            e.RemoveAt(index);
            Count = e.Count;
            return;
        }
        int p = Locate(index);
        var page = Page(p);
        page.RemoveAt(index - _starts[p]);
        int id = _dir.PageIds![p];
        if (--_dir.Counts![p] == 0)
        {
            _dir.PageIds.RemoveAt(p);
            _dir.Counts.RemoveAt(p);
            _pages.RemoveAt(p);
            _deleted.Add(id);
        }
        else _dirty.Add((id, page));
        Restart();
    }

    /// <summary>The first <paramref name="count"/> members, copied.</summary>
    public TValue[] CopyFirst(int count)
    {
        var result = new TValue[count];
        if (_inline is { } one)
        {
            one.CopyTo(0, result, 0, count);
            return result;
        }
        if (_entries is { } e)
        {
            e.CopyFirst(result, count);
            return result;
        }
        for (int p = 0, at = 0; at < count; p++)
        {
            var page = Page(p);
            int n = Math.Min(page.Count, count - at);
            page.CopyTo(0, result, at, n);
            at += n;
        }
        return result;
    }

    /// <summary>Writes the pages this group's changes touched and its directory (deleted with the last member).</summary>
    public void Save()
    {
        if (_entries is { } e)
        {
            e.Save();
            return;
        }
        if (_inline is { } one)
        {
            // One write: the whole page under the directory key (deleted with the last member); the marker with a new
            // group, as below. Atomic as the directory layout's writes: pending until the same commit.
            // _stored: the store holds this very object under this key (Load read it there, or an earlier Save put it).
            if (Count > 0)
            {
                if (!(_stored && KeepsObjects)) store.Put(Key(MemberPageKey<TKey>.DirectoryPage), one);
            }
            else if (_stored) store.Delete(Key(MemberPageKey<TKey>.DirectoryPage));
            if (Count > 0 && !_stored) store.Put(MemberPageKey<TKey>.LayoutMarker, MemberPage<TValue>.Marker());
            _stored = Count > 0;
            _cached = true; // after this Save's own writes: only a later write invalidates it
            _cachedWrites = _memory!.Writes;
            return;
        }
        // A page put here and deleted by a later change of the same Load never reaches the store: deletions win.
        // A page edited twice in one Load (a removal and an insertion of the same change) is listed twice: put once.
        for (int i = 0; i < _dirty.Count; i++)
        {
            var (id, page) = _dirty[i];
            if (!_deleted.Contains(id) && !ListedBefore(i, id)) store.Put(Key(id), page);
        }
        foreach (int id in _deleted) store.Delete(Key(id));
        if (Count > 0) store.Put(Key(MemberPageKey<TKey>.DirectoryPage), _dir);
        else if (_stored) store.Delete(Key(MemberPageKey<TKey>.DirectoryPage));
        // A new group's first commit carries the marker too, so committed groups always come with it (a commit
        // discarded before it reached the store drops both).
        if (Count > 0 && !_stored) store.Put(MemberPageKey<TKey>.LayoutMarker, MemberPage<TValue>.Marker());
        _stored = Count > 0;
        _dirty.Clear();
        _deleted.Clear();
    }

    private bool ListedBefore(int i, int id)
    {
        for (int j = 0; j < i; j++)
            if (_dirty[j].Id == id) return true;
        return false;
    }

    private MemberPageKey<TKey> Key(int page) => new(_group, page);

    private MemberPage<TValue> Page(int p)
    {
        if (_pages[p] is { } page) return page;
        if (!store.TryGet(Key(_dir.PageIds![p]), out page) || page.Members is null)
            throw new StateStoreException(storeName, $"Collect member store '{storeName}': a group's directory names page {_dir.PageIds![p]}, which is missing.");
        return _pages[p] = page;
    }

    /// <summary>The page holding <paramref name="index"/> (for <paramref name="index"/> = Count: the last page).</summary>
    private int Locate(int index)
    {
        int lo = 0, hi = _starts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (_starts[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private void Restart()
    {
        _starts.Clear();
        int at = 0;
        foreach (int c in _dir.Counts!)
        {
            _starts.Add(at);
            at += c;
        }
        Count = at;
    }

    /// <summary>
    /// A store without the layout marker must be empty (<see cref="Save"/> writes it with each new group): a member store of the layout
    /// before issue 19's session 7 (one list per group) is refused instead of being read as empty groups.
    /// </summary>
    private void CheckLayout()
    {
        _layoutChecked = true;
        bool any;
        try
        {
            if (store.TryGet(MemberPageKey<TKey>.LayoutMarker, out var marker) && marker.IsMarker)
            {
                if (marker.Layout == MemberPage<TValue>.EntriesLayout) _entries = new MemberEntries<TKey, TValue>(storeName, store, cacheMembers);
                return;
            }
            using var all = store.All().GetEnumerator();
            any = all.MoveNext();
        }
        catch (Braid.Serialization.SerializationException e)
        {
            throw OldLayout(e);
        }
        if (any) throw OldLayout(null);
        if (entries) _entries = new MemberEntries<TKey, TValue>(storeName, store, cacheMembers);
    }

    private StateStoreException OldLayout(Exception? inner) => new(storeName,
        $"Collect member store '{storeName}' holds members in the layout of an earlier Braid version (one list per group); " +
        "rebuild its state (delete the state directory or reset the application).", inner);
}
