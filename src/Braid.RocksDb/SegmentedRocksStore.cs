namespace Braid.RocksDb;

/// <summary>
/// What the RocksDB window and session stores share: a retention in stream time, entries cut into segments of
/// half the retention by time (the window timestamp, the session end), and expiry as one DeleteRange over whole
/// expired segments — Kafka's segmented stores' rule (<c>AbstractRocksDBSegmentedBytesStore</c> drops whole
/// segments, never single records). Observed stream time is pending like the writes: it becomes committed with
/// them (<see cref="TimeCommitted"/>) and is rolled back with them (<see cref="TimeDiscarded"/>).
/// </summary>
internal abstract class SegmentedRocksStore<TKey> : RocksStore<TKey>
{
    private readonly long _segmentInterval;
    private long _deletedBelowSegment = long.MinValue;

    protected SegmentedRocksStore(RocksDatabase db, TaskId task, string name, Serde<TKey> keySerde, TimeSpan retention, bool readOnly)
        : base(db, task, name, keySerde, readOnly)
    {
        MetaKey = KeyLayout.MetaKey(task);
        RetentionMs = (long)retention.TotalMilliseconds;
        _segmentInterval = Math.Max(1, RetentionMs / 2);
    }

    public long RetentionMs { get; }

    public long ObservedStreamTime { get; protected set; } = long.MinValue;

    /// <summary>Observed stream time as of the last commit (or as loaded from the store's metadata).</summary>
    protected long CommittedStreamTime { get; set; } = long.MinValue;

    /// <summary>The store's metadata key, <c>[task][0x00]</c>: observed stream time first.</summary>
    protected byte[] MetaKey { get; }

    protected long SegmentInterval => _segmentInterval;

    /// <summary>The oldest time still live (window timestamp or session end); older entries are expired.</summary>
    protected long MinLiveTime => ObservedStreamTime == long.MinValue ? long.MinValue : ObservedStreamTime - RetentionMs;

    /// <summary>Every segment below this one holds only expired entries (its newest time is before <see cref="MinLiveTime"/>).</summary>
    protected long FirstLiveSegment => ObservedStreamTime == long.MinValue ? long.MinValue : SegmentId(MinLiveTime);

    /// <summary>Whether whole segments expired since the last committed expiry: range tombstones accumulate once per
    /// segment interval, not once per commit.</summary>
    protected bool SegmentsExpired => FirstLiveSegment > _deletedBelowSegment;

    protected long SegmentId(long time) => Math.DivRem(time, _segmentInterval) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>Deletes <c>[prefix][ordered long.MinValue]</c> up to <c>[prefix][ordered bound]</c>, exclusive.</summary>
    protected void DeleteBelow(WriteBatch batch, byte[] prefix, long bound)
    {
        var start = new byte[prefix.Length + 8];
        var end = new byte[prefix.Length + 8];
        prefix.CopyTo(start, 0);
        prefix.CopyTo(end, 0);
        KeyLayout.WriteOrderedInt64(start.AsSpan(prefix.Length), long.MinValue);
        KeyLayout.WriteOrderedInt64(end.AsSpan(prefix.Length), bound);
        batch.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, Family);
    }

    /// <summary>The commit wrote the pending batch: its stream time and expired segments are committed.</summary>
    protected void TimeCommitted()
    {
        CommittedStreamTime = ObservedStreamTime;
        _deletedBelowSegment = Math.Max(_deletedBelowSegment, FirstLiveSegment);
    }

    /// <summary>The pending writes were discarded: so is the stream time they advanced.</summary>
    protected void TimeDiscarded() => ObservedStreamTime = CommittedStreamTime;
}
