using Braid.Internal.Nodes;
using Braid.State;

namespace Braid.Internal.Aggregations;

/// <summary>
/// KGroupedTable Collect (SQL <c>array_agg(x ORDER BY … [LIMIT n])</c>): keeps every member of each group
/// in order and emits the group's first <c>limit</c> members.
/// <list type="bullet">
/// <item>State: all members per group, sorted (a member store), and the emitted capped view (the result
/// store). All members are kept, not just the first <c>limit</c>, so that removing a shown member promotes
/// the next one.</item>
/// <item>Emit rule: each change removes one member equal to its old value and inserts its new value at its
/// sort position (after members with an equal sort key, so ties keep arrival order). The view is emitted
/// only when it changed; a group with no members left is deleted (a tombstone), as a SQL group disappears.</item>
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
    private readonly Comparer<TSort> _sort = Comparer<TSort>.Default;
    private IKeyValueStore<TKey, List<TValue>> _members = null!;
    private IKeyValueStore<TKey, ValueAndTimestamp<IReadOnlyList<TValue>>> _views = null!;

    public override void Init(TaskContext context)
    {
        base.Init(context);
        _members = context.GetStore<IKeyValueStore<TKey, List<TValue>>>(memberStore);
        _views = context.GetStore<IKeyValueStore<TKey, ValueAndTimestamp<IReadOnlyList<TValue>>>>(viewStore);
    }

    public override void Process(in Record<TKey, Change<TValue>> record)
    {
        if (DropsNullKey(record.Key)) return;
        var key = record.Key;
        var c = record.Value;
        if (!_members.TryGet(key, out var members)) members = new List<TValue>();
        int removedAt = -1, insertedAt = -1;
        if (c.HasOld && (removedAt = Remove(members, c.Old!)) < 0) Context.RecordDropped(Name, "unknown-member");
        if (c.HasNew) members.Insert(insertedAt = UpperBound(members, orderBy(c.New!)), c.New!);
        if (members.Count > 0) _members.Put(key, members);
        else _members.Delete(key);
        // Incremental: a change entirely below the shown first `limit` members (the common case of a capped
        // timeline: an old tweet arriving or leaving) leaves the view as it was; no lookup, compare or copy.
        bool belowView = (removedAt < 0 || removedAt >= limit) && (insertedAt < 0 || insertedAt >= limit);
        if (belowView && (removedAt >= 0 || insertedAt >= 0)) return;

        bool hadView = _views.TryGet(key, out var old);
        int shown = Math.Min(limit, members.Count);
        if (hadView && SameView(old.Value, members, shown)) return;
        long ts = hadView ? Math.Max(record.Timestamp, old.Timestamp) : record.Timestamp;
        if (shown == 0)
        {
            if (!hadView) return;
            _views.Delete(key);
            Forward(new Record<TKey, Change<IReadOnlyList<TValue>>>(key, new Change<IReadOnlyList<TValue>>(null, false, old.Value, true), ts, record.Headers));
            return;
        }
        // One copy (not GetRange + ToArray): the view is emitted and stored, so it must not alias the member list.
        IReadOnlyList<TValue> view = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(members)[..shown].ToArray();
        _views.Put(key, new ValueAndTimestamp<IReadOnlyList<TValue>>(view, ts));
        Forward(new Record<TKey, Change<IReadOnlyList<TValue>>>(key, new Change<IReadOnlyList<TValue>>(view, true, old.Value, hadView), ts, record.Headers));
    }

    private int Compare(TSort a, TSort b) => descending ? _sort.Compare(b, a) : _sort.Compare(a, b);

    /// <summary>The first position whose sort key is greater than <paramref name="k"/> (after equal keys).</summary>
    private int UpperBound(List<TValue> members, TSort k)
    {
        int lo = 0, hi = members.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(orderBy(members[mid]), k) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Removes one member equal to <paramref name="value"/>; its former position, or -1 when none.</summary>
    private int Remove(List<TValue> members, TValue value)
    {
        var eq = EqualityComparer<TValue>.Default;
        var k = orderBy(value);
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
        // The sort key of a member may not be a pure function of it; fall back to a full search.
        int at = members.FindIndex(m => eq.Equals(m, value));
        if (at >= 0) members.RemoveAt(at);
        return at;
    }

    private static bool SameView(IReadOnlyList<TValue> view, List<TValue> members, int shown)
    {
        if (view.Count != shown) return false;
        var eq = EqualityComparer<TValue>.Default;
        for (int i = 0; i < shown; i++)
        {
            if (!eq.Equals(view[i], members[i])) return false;
        }
        return true;
    }
}
