using System.Collections;
using System.Diagnostics;

namespace Braid.Internal.Aggregations;

/// <summary>
/// One value of a collected list (<see cref="TableCollect{TKey,TValue,TSort}"/>'s view of a group), immutable and
/// cheap to derive from the previous one: either materialized (an array) or the previous value plus one edit
/// (remove at a position, insert at a position, then keep the first <see cref="Count"/> members, appending one
/// promoted member when the list grew). An update therefore allocates one small object instead of a copy of the
/// whole list; the array is built only when somebody reads the items (a query, a serde at a store or topic, a
/// downstream mapper), by replaying the edits since the nearest materialized predecessor onto a copy of it.
/// <para>Why this keeps old and new values apart: a value never changes after it is published — its edit fields are
/// readonly and its array, once built, is never written again — and an edit reads its predecessor, never the
/// Collect's live member list, so an old value held by a <c>Change</c>, a store or a user sees exactly the members
/// it had when it was emitted. (Kafka's <c>KTableAggregate.KTableAggregateProcessor.process</c> forwards
/// <c>Change(newAgg, sendOldValues ? oldAgg : null)</c> with oldAgg read from the store before the update; Kafka's
/// stores hand out freshly deserialized objects, so the two do not alias. Braid keeps objects in stores, so this
/// type gives the same guarantee by construction.)</para>
/// <para>Bounded replay: the Collect materializes eagerly when a chain would get longer than
/// <see cref="MaxDepth"/> (at least 32, or a sixteenth of the list), so a read replays at most that many edits and a
/// stored value keeps at most that many predecessors alive (48 bytes each: 1.5 KB for a short list, about 3 bytes
/// per member of a long one); the amortized copy per update is at most 16 elements plus one edit object, whatever
/// the list's length (a timeline's 50-line view: 1.6 references per update; with a bound of 16 it was 3.1, issue 19:
/// ~100 bytes per timeline event). Once a value is materialized it drops its predecessor.</para>
/// <para>Threads: a value may be read on a query thread while the stream thread reads it too; materializing is
/// idempotent (the same members every time), and one field holds the predecessor or, once built, the array, swapped
/// by a compare-exchange, so a reader sees either a chain it can replay or the finished array, never neither.</para>
/// </summary>
internal sealed class CollectedView<T> : IReadOnlyList<T>
{
    // The predecessor (a CollectedView<T>) until this value is materialized, then its members (a T[]): one field, so a
    // value is 48 bytes, not 56 (issue 19: one value per emitted update, 8 per timeline event). Written once, from
    // predecessor to array, by a compare-exchange.
    private object _link;
    // Edits back to the nearest predecessor that was materialized when this value was made: a bound of the replay (a
    // reader materializing a predecessor later only shortens the chain). Not derived from _link's target on every update:
    // that read the predecessor's predecessor, a cache miss per emission on a group not seen for a while (issue 19,
    // s15-tl: the cast helper it ran was 1.5 % of the driver's timeline loop). The predecessor is looked at only when the
    // bound is reached (see ChainFull and the edit constructor), so a value a reader materialized still starts a new chain.
    private readonly int _depth;
    private readonly int _removeAt, _insertAt;
    private readonly T _value; // inserted at _insertAt, or (an edit without insertion) appended when the list grew

    private CollectedView(T[] items)
    {
        _link = items;
        Count = items.Length;
        _removeAt = _insertAt = -1;
        _value = default!;
    }

    private CollectedView(CollectedView<T> prev, int removeAt, int insertAt, int count, T value)
    {
        _link = prev;
        int depth = prev._depth + 1;
        // Over the bound only when the predecessor was not materialized since it was made (else the chain restarts there).
        _depth = depth > MaxDepth(count) && prev.IsMaterialized ? 1 : depth;
        _removeAt = removeAt;
        _insertAt = insertAt;
        Count = count;
        _value = value;
    }

    /// <summary>A materialized value holding <paramref name="items"/> (the caller hands the array over: never written again).</summary>
    public static CollectedView<T> Of(T[] items) => new(items);

    /// <summary>How many edits a chain may hold before the Collect copies instead (see the class notes).</summary>
    public static int MaxDepth(int count) => Math.Max(32, count >> 4);

    /// <summary>True when a new edit on this value would exceed the replay bound (never once this value is materialized).</summary>
    public bool ChainFull(int newCount) => _depth + 1 > MaxDepth(newCount) && !IsMaterialized;

    private bool IsMaterialized => Volatile.Read(ref _link) is T[];

    /// <summary>
    /// This value with one edit: remove the member at <paramref name="removeAt"/> (-1: none), insert
    /// <paramref name="value"/> at <paramref name="insertAt"/> (-1: none), then keep the first
    /// <paramref name="count"/> members; when one fewer is left (only possible without an insertion: a member moved
    /// up into the shown ones), <paramref name="value"/> is appended.
    /// </summary>
    public CollectedView<T> With(int removeAt, int insertAt, int count, T value) => new(this, removeAt, insertAt, count, value);

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public T this[int index] => Items()[index];

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The members (built on first use; the array must not be written).</summary>
    internal T[] Items() => Volatile.Read(ref _link) as T[] ?? Materialize();

    private T[] Materialize()
    {
        // Walk back to the nearest materialized value; the chain only shortens while we walk (another reader
        // may materialize a value on it), never grows, so _depth bounds it.
        var chain = new CollectedView<T>[_depth];
        int n = 0;
        T[] start;
        object mine = Volatile.Read(ref _link);
        if (mine is T[] done) return done; // another reader materialized it since Items() looked
        for (var (v, link) = (this, mine); ;)
        {
            if (link is T[] items)
            {
                start = items;
                break;
            }
            chain[n++] = v;
            v = (CollectedView<T>)link;
            link = Volatile.Read(ref v._link);
        }
        var work = new List<T>(start);
        for (int i = n - 1; i >= 0; i--) chain[i].Apply(work);
        Debug.Assert(work.Count == Count);
        var result = work.ToArray();
        // Another reader may have published first: both arrays hold the same members; keep the first.
        return Interlocked.CompareExchange(ref _link, result, mine) is T[] first ? first : result;
    }

    private void Apply(List<T> work)
    {
        if (_removeAt >= 0) work.RemoveAt(_removeAt);
        if (_insertAt >= 0) work.Insert(_insertAt, _value);
        if (work.Count > Count) work.RemoveRange(Count, work.Count - Count);
        else if (work.Count < Count) work.Add(_value);
        Debug.Assert(work.Count == Count);
    }
}
