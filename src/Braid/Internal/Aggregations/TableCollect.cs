using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// KGroupedTable Collect (SQL <c>array_agg(x ORDER BY … [LIMIT n])</c>): keeps every member of each group
/// in order and emits the group's first <c>limit</c> members.
/// <list type="bullet">
/// <item>State: all members per group, sorted, in pages (a member store, <see cref="PagedMembers{TKey,TValue}"/>:
/// a change writes one or two pages and the group's directory, never the whole list), and the emitted capped view
/// (the result store). All members are kept, not just the first <c>limit</c>, so that removing a shown member promotes
/// the next one.</item>
/// <item>Emit rule: each change removes one member equal to its old value and inserts its new value at its
/// sort position (after members with an equal sort key, so ties keep arrival order). The view is emitted
/// only when it changed; a group with no members left is deleted (a tombstone), as a SQL group disappears.
/// The emitted list is a <see cref="CollectedView{T}"/>: the old view plus this change's edit (one small
/// object per update, not a copy of the list), immutable, never the member list itself, so a change's old
/// and new values never alias and an emitted or stored list never changes afterwards.</item>
/// <item>Time rule: max of the change's ts and the group's previous ts, as other table aggregates.</item>
/// <item>Absence: an old value that is not a member (it never reached this group) is counted as dropped
/// ("unknown-member"); null group keys are dropped and counted.</item>
/// </list>
/// Pinned by CollectTests and the timeline tests.
/// </summary>
internal sealed class TableCollect<TKey, TValue, TSort>(
    string name, string memberStore, string viewStore, Func<TValue, TSort> orderBy, bool descending, int limit)
    : ProcessorNode<TKey, Change<TValue>, TKey, Change<IReadOnlyList<TValue>>>(name)
{
    private PagedMembers<TKey, TValue> _members = null!;
    private bool _keys;
    private readonly ColumnArrays<TSort> _keyArrays = new(); // the sort keys' outgrown arrays (see ColumnArrays)
    private IKeyValueStore<TKey, ValueAndTimestamp<IReadOnlyList<TValue>>> _views = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        var members = context.GetStore<IKeyValueStore<MemberPageKey<TKey>, MemberPage<TValue>>>(memberStore);
        // Pages pay on a persistent store (a commit writes the touched page, not the group's list); in memory nothing
        // is serialized and a group's members stay one page, as one list before: 64-member pages made every binary
        // search visit ~10 pages (a store lookup each) and halved the driver's timeline (issue 19, 42k -> 22k events/s).
        // A persistent store takes one entry per member (MemberEntries: a change writes ~100 bytes, not a ~3 KB page).
        _members = new PagedMembers<TKey, TValue>(memberStore, members, members.IsPersistent ? PagedMembers<TKey, TValue>.MaxPage : int.MaxValue,
            entries: members.IsPersistent);
        // Sort keys beside the members where the page objects live on (in memory); see PagedMembers.OnePageKeys.
        _keys = !members.IsPersistent && CollectSortKeys.Enabled;
        _views = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<IReadOnlyList<TValue>>>>(viewStore);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        if (DropsNullKey(record.Key)) return;
        var key = record.Key;
        var c = record.Value;
        var members = _members;
        members.Load(key);
        int shownBefore = Math.Min(limit, members.Count);
        int removedAt = -1, insertedAt = -1;
        if (c.HasOld && (removedAt = Remove(members, c.Old!)) < 0) Context.RecordDropped(Name, "unknown-member");
        if (c.HasNew) members.Insert(insertedAt = UpperBound(members, orderBy(c.New!)), c.New!);
        members.Save();
        // Incremental: the stored view is always the first `limit` members, so whether it changed follows from
        // the edit's positions (a change entirely below the shown members, the common case of a capped
        // timeline, leaves it as it was) — no lookup, compare or copy then.
        int shown = Math.Min(limit, members.Count);
        if (shown == shownBefore && !ShownChanged(members, shown, removedAt, insertedAt, c.Old!)) return;

        bool hadView = _views.TryGet(key, out var old);
        long ts = hadView ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
        if (shown == 0)
        {
            if (!hadView) return;
            _views.Delete(key);
            Forward(new Record<TKey, Change<IReadOnlyList<TValue>>>(key, new Change<IReadOnlyList<TValue>>(null, false, old.Value, true), ts, record.Headers));
            return;
        }
        var view = NextView(hadView ? old.Value : null, members, shownBefore, shown, removedAt, insertedAt, c.New!);
        _views.Put(key, new ValueAndTimestamp<IReadOnlyList<TValue>>(view, ts));
        Forward(new Record<TKey, Change<IReadOnlyList<TValue>>>(key, new Change<IReadOnlyList<TValue>>(view, true, old.Value, hadView), ts, record.Headers));
    }

    /// <summary>
    /// The new view as an edit of the old one (one small object, no copy: <see cref="CollectedView{T}"/>), or a
    /// copy of the first members when there is no usable old view (first view of a group, a view restored from
    /// bytes, or a chain at its replay bound). The new view never aliases the member list or the old view.
    /// </summary>
    private IReadOnlyList<TValue> NextView(IReadOnlyList<TValue>? old, PagedMembers<TKey, TValue> members, int shownBefore, int shown,
        int removedAt, int insertedAt, TValue inserted)
    {
        if (old is CollectedView<TValue> prev && prev.Count == shownBefore && !prev.ChainFull(shown))
        {
            // Old view V = first shownBefore members before the change; replay: remove inside V, insert inside
            // (or right after) what is left, then trim to `shown` or promote the one member that moved up.
            int r = removedAt < shownBefore ? removedAt : -1;
            int left = shownBefore - (r >= 0 ? 1 : 0);
            int i = insertedAt <= left && insertedAt < limit ? insertedAt : -1;
            int edited = left + (i >= 0 ? 1 : 0);
            // An insertion inside the shown members never comes with a promotion (the list did not shrink).
            return prev.With(r, i, shown, i >= 0 ? inserted : edited < shown ? members[shown - 1] : default!);
        }
        return CollectedView<TValue>.Of(members.CopyFirst(shown));
    }

    /// <summary>
    /// Whether the first <paramref name="shown"/> members differ from the first <paramref name="shown"/> before
    /// the change (same length), without the old view: the member before the change at k is recovered from the
    /// current list by undoing the insertion (at <paramref name="insertedAt"/>) and the removal (of
    /// <paramref name="removed"/> at <paramref name="removedAt"/>). Positions above both are untouched.
    /// </summary>
    private static bool ShownChanged(PagedMembers<TKey, TValue> members, int shown, int removedAt, int insertedAt, TValue removed)
    {
        int from = Math.Min(removedAt < 0 ? int.MaxValue : removedAt, insertedAt < 0 ? int.MaxValue : insertedAt);
        var eq = EqualityComparer<TValue>.Default;
        for (int k = from; k < shown; k++)
        {
            TValue before = k == removedAt ? removed : BeforeRemoval(members, removedAt >= 0 && k > removedAt ? k - 1 : k, insertedAt);
            if (!eq.Equals(before, members[k])) return true;
        }
        return false;
    }

    /// <summary>The member at <paramref name="k"/> of the list between removal and insertion.</summary>
    private static TValue BeforeRemoval(PagedMembers<TKey, TValue> members, int k, int insertedAt) =>
        insertedAt >= 0 && k >= insertedAt ? members[k + 1] : members[k];

    // Comparer<TSort>.Default read at the call, not from a field: the JIT devirtualizes it for a struct key.
    private int Compare(TSort a, TSort b) => descending ? Comparer<TSort>.Default.Compare(b, a) : Comparer<TSort>.Default.Compare(a, b);

    /// <summary>The first position whose sort key is greater than <paramref name="k"/> (after equal keys).</summary>
    private int UpperBound(PagedMembers<TKey, TValue> members, TSort k)
    {
        // The ends first: members that arrive in sort order (a timeline's newest line, a time-ordered array_agg) land
        // at one end, and a binary search over a long group reads ~log2(n) members scattered in memory (issue 19: a
        // timeline follower holds ~1,200 lines; new tweets are ~45% of its inserts). Then members[0] <= k < members[n-1].
        int n = members.Count;
        if (n > 0 && _keys && members.OnePageKeys(orderBy, _keyArrays, out var keys)) return UpperBound(keys, k);
        if (n == 0 || Compare(orderBy(members[n - 1]), k) <= 0) return n;
        if (Compare(orderBy(members[0]), k) > 0) return 0;
        int lo = 1, hi = n - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(orderBy(members[mid]), k) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary><see cref="UpperBound(PagedMembers{TKey,TValue},TSort)"/> over the members' keys, ends first as there.</summary>
    private int UpperBound(ReadOnlySpan<TSort> keys, TSort k)
    {
        int n = keys.Length;
        if (Compare(keys[n - 1], k) <= 0) return n;
        if (Compare(keys[0], k) > 0) return 0;
        int lo = 1, hi = n - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(keys[mid], k) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Removes one member equal to <paramref name="value"/>; its former position, or -1 when none.</summary>
    private int Remove(PagedMembers<TKey, TValue> members, TValue value)
    {
        var eq = EqualityComparer<TValue>.Default;
        var k = orderBy(value);
        if (_keys && members.OnePageKeys(orderBy, _keyArrays, out var keys))
        {
            // The first member whose key is not below k, then the equal-key run, on the keys beside the members.
            int first = LowerBound(keys, k);
            for (int i = first; i < keys.Length && Compare(keys[i], k) == 0; i++)
            {
                if (eq.Equals(members[i], value))
                {
                    members.RemoveAt(i);
                    return i;
                }
            }
            return RemoveAnywhere(members, value);
        }
        int lo = 0, hi = members.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(orderBy(members[mid]), k) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < members.Count && Compare(orderBy(members[i]), k) == 0; i++)
        {
            if (eq.Equals(members[i], value))
            {
                members.RemoveAt(i);
                return i;
            }
        }
        return RemoveAnywhere(members, value);
    }

    /// <summary>The first position whose key is not below <paramref name="k"/>.</summary>
    private int LowerBound(ReadOnlySpan<TSort> keys, TSort k)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(keys[mid], k) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Removes the first member equal to <paramref name="value"/> wherever it is; its former position, or -1.</summary>
    private static int RemoveAnywhere(PagedMembers<TKey, TValue> members, TValue value)
    {
        var eq = EqualityComparer<TValue>.Default;
        // The sort key of a member may not be a pure function of it; fall back to a full search.
        for (int at = 0; at < members.Count; at++)
        {
            if (!eq.Equals(members[at], value)) continue;
            members.RemoveAt(at);
            return at;
        }
        return -1;
    }
}
