using Braid.Internal;
using Braid.Internal.Faults;
using Braid.Embedded.Logs.Files;
using Braid.Embedded.Runtime;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Logs;

/// <summary>
/// One partition of a local topic: append-only segment files under <c>topics/&lt;topic&gt;/&lt;partition&gt;/</c>.
/// Offsets are dense when written (compaction later leaves gaps). Readers see records below
/// <see cref="VisibleEnd"/> only: the committed high-water mark for logs the application writes under
/// exactly-once, the log end otherwise. One lock guards appends, reads and segment swaps.
/// Only the <c>Open</c> factories create one: they recover the directory before the log is used.
/// </summary>
internal sealed partial class PartitionLog(string topic, int partition, string directory, long segmentBytes, ILogger logger, LogFileSystem fs)
    : IDisposable
{
    private readonly object _lock = new();
    private readonly List<LogSegment> _segments = new();
    private readonly ILogger _logger = logger;
    private readonly long _segmentBytes = segmentBytes;
    private readonly HashSet<LogSegment> _unsynced = new();
    private long _visibleEnd;
    private bool _contiguous;

    private readonly LogFileSystem _fs = fs;
    private bool _directoryDirty;
    private bool _closed;
    private readonly AppendedTail _tail = new(topic, partition);
    private bool _tailWanted; // a task reads this log: only then are appends kept (final outputs never are)

    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public string Directory { get; } = directory;

    /// <summary>The next offset an append will assign.</summary>
    public long EndOffset { get; private set; }

    /// <summary>Readers see offsets below this.</summary>
    public long VisibleEnd
    {
        get => Volatile.Read(ref _visibleEnd);
        set => Volatile.Write(ref _visibleEnd, value);
    }

    public long StartOffset
    {
        get
        {
            lock (_lock) return _segments[0].BaseOffset;
        }
    }

    public long SizeBytes
    {
        get
        {
            lock (_lock) return _segments.Sum(s => s.Size);
        }
    }

    internal object SyncRoot => _lock;

    /// <summary>The file layer under this log (the cleaner writes its compacted copies through it too).</summary>
    internal LogFileSystem FileSystem => _fs;

    internal List<LogSegment> Segments => _segments;

    /// <summary>
    /// A task reads this log (a repartition topic's consumer, declared when the task is created): from now on appends with
    /// <c>keep</c> are kept for it (<see cref="AppendedTail"/>). Until session 13 only the first kept <see cref="Read"/>
    /// declared it, but a task fetches a log only once something in it is visible, so the first commit's output was
    /// never kept: a consumer that a restart, or a short run, leaves with one or two commits read all of its repartition
    /// records back from the file (Nexmark q8 on the embedded runtime: 0 of 8,400 per pass kept).
    /// </summary>
    public void WantAppendsKept()
    {
        lock (_lock) _tailWanted = true;
    }

    /// <summary>Appends records (their offsets are assigned here) and hands the bytes to the OS, so a
    /// process crash keeps them; <see cref="Sync"/> makes them survive a power loss. Returns the new end.</summary>
    /// <param name="records">The records, in order.</param>
    /// <param name="keep">Keep them in memory for the next <see cref="Read(long, int, List{RawRecord}, bool)"/> that
    /// asks for kept records (<see cref="AppendedTail"/>), if such a read ever came (a task reads this log).</param>
    public long Append(IReadOnlyList<RawRecord> records, bool keep = false)
    {
        // Encoded whole before anything is written: a record too large for the log fails the append with nothing written.
        var frames = new FrameBuffer();
        try
        {
            foreach (var r in records) frames.Add(r);
            return AppendFrames(frames, keep);
        }
        finally
        {
            frames.Clear();
        }
    }

    /// <summary>
    /// Appends the frames of <paramref name="frames"/> (encoded at send time by a task's <see cref="Runtime.OutputCollector"/>),
    /// sealing each with its offset and checksum first, so the file gets exactly the bytes <see cref="RecordFormat.Write"/>
    /// would give, split over segments by the same rule (a segment is rolled when full; a frame goes in while the bytes
    /// before it leave the segment under its size), one write per block and segment. Returns the new end. With <paramref name="keep"/> and a
    /// task reading this log, the kept tail takes the buffer's blocks (the buffer is then empty); otherwise the buffer keeps
    /// its frames and the caller clears it.
    /// </summary>
    public long AppendFrames(FrameBuffer frames, bool keep)
    {
        lock (_lock)
        {
            ThrowIfClosed();
            keep &= _tailWanted;
            if (!keep) _tail.Clear();
            long first = EndOffset;
            foreach (var block in frames.Blocks)
            {
                var data = block.Data.AsSpan(0, block.Length);
                int pos = 0;
                while (pos < data.Length)
                {
                    var seg = _segments[^1];
                    if (seg.Size >= _segmentBytes) seg = Roll();
                    long maxTs = long.MinValue;
                    int start = pos;
                    while (pos < data.Length && (pos == start || seg.Size + (pos - start) < _segmentBytes))
                    {
                        pos += RecordFormat.Seal(data[pos..], EndOffset++, out long ts);
                        maxTs = Math.Max(maxTs, ts);
                    }
                    // A crash inside or after this write leaves bytes above the visible end (a log the application writes
                    // under exactly-once) that recovery cuts, or a torn tail it cuts: nothing here is read before it is published.
                    seg.Append(data[start..pos], EndOffset, maxTs);
                    _unsynced.Add(seg);
                }
            }
            // Kept only once the file holds them all: a failed write keeps nothing (and the commit cuts the log).
            if (keep) _tail.Add(frames, first);
            return EndOffset;
        }
    }

    /// <summary>
    /// Cuts records appended beyond the visible end (a commit that failed between appending its output and
    /// writing its state): they must not become visible with a later commit. The caller holds the commit lock.
    /// </summary>
    public void CutUncommitted()
    {
        lock (_lock)
        {
            ThrowIfClosed();
            // The cut records are produced again by the retried batch, possibly different: never serve the old ones. (Since
            // session 12 every append is kept, headers too, and an append at the cut offset restarts the tail by the
            // dense-offset rule as well: this clear is the direct statement of the rule, not the only guard.)
            _tail.Clear();
            long end = VisibleEnd;
            LowerRecoveryPoint(end);
            if (EndOffset <= end) return;
            while (_segments.Count > 1 && _segments[^1].BaseOffset >= end)
            {
                var s = _segments[^1];
                _segments.RemoveAt(_segments.Count - 1);
                _unsynced.Remove(s);
                s.Dispose();
                _fs.Delete(s.Path);
            }
            var seg = _segments[^1];
            var (validEnd, _) = seg.Scan(end);
            seg.Truncate(validEnd);
            EndOffset = Math.Max(seg.NextOffset, end);
            _logger.LogWarning("Log {Topic}-{Partition}: cut records from offset {Offset} appended by a failed commit.", Topic, Partition, end);
        }
    }

    /// <summary>Appends and makes the records visible at once (input topics: producers are their only writers).</summary>
    public long AppendAndPublish(IReadOnlyList<RawRecord> records)
    {
        lock (_lock)
        {
            long end = Append(records);
            Failpoints.Hit(EmbeddedFailpoints.ProducerAfterAppend);
            VisibleEnd = end;
            return end;
        }
    }

    private LogSegment Roll()
    {
        var seg = new LogSegment(System.IO.Path.Combine(Directory, LogSegment.FileName(EndOffset)), EndOffset, _fs);
        _segments.Add(seg);
        _directoryDirty = true;
        return seg;
    }

    /// <summary>fsyncs every segment written since the last sync (power-loss durability).</summary>
    public void Sync()
    {
        lock (_lock)
        {
            ThrowIfClosed();
            foreach (var s in _unsynced) s.Sync();
            _unsynced.Clear();
            WriteRecoveryPoint();
            // A segment created since the last sync exists after a power loss only once its directory is synced.
            if (_directoryDirty)
            {
                _fs.SyncDirectory(Directory);
                _directoryDirty = false;
            }
        }
    }

    /// <summary>Reads up to <paramref name="max"/> visible records from <paramref name="from"/> (clamped to the log start).</summary>
    /// <param name="from">The first offset wanted.</param>
    /// <param name="max">The most records to add.</param>
    /// <param name="into">Where they go.</param>
    /// <param name="kept">Take records this process appended with <c>keep</c> from memory, decoded from the kept frames into
    /// fresh arrays (a task's fetch); otherwise every record is read from the file into new arrays (readers, tools).</param>
    public long Read(long from, int max, List<RawRecord> into, bool kept = false)
    {
        lock (_lock)
        {
            long limit = VisibleEnd;
            if (from < _segments[0].BaseOffset) from = _segments[0].BaseOffset;
            long next = from;
            int taken = 0;
            if (kept)
            {
                _tailWanted = true;
                taken = _tail.Read(from, limit, max, into);
                next += taken;
                _tail.DropBelow(next);
                if (taken == max || next >= limit) return next;
            }
            int si = SegmentIndexFor(next);
            for (; si < _segments.Count && next < limit && taken < max; si++)
            {
                var seg = _segments[si];
                if (!seg.Scanned) ScanSealed(seg);
                var (end, status) = seg.Visit(seg.PositionFor(next), seg.Size, (frame, _) =>
                {
                    var (offset, _) = RecordFormat.PeekOffset(frame);
                    if (offset >= limit) return false;
                    if (offset < next) return true;
                    into.Add(RecordFormat.Decode(frame, Topic, Partition));
                    next = offset + 1;
                    return ++taken < max;
                }, ReadHint(seg, max - taken));
                if (status is RecordFormat.ReadStatus.Corrupt or RecordFormat.ReadStatus.Truncated)
                    throw Damaged(seg.Path, end, $"a record after offset {next - 1} fails its checksum in the middle of the log");
                if (taken < max && si + 1 < _segments.Count) next = Math.Max(next, _segments[si + 1].BaseOffset);
            }
            return next;
        }
    }

    /// <summary>
    /// About the bytes a read of <paramref name="count"/> records needs: the frames skipped after the index entry it
    /// starts at (at most one index interval), the records at the segment's average frame size, and one frame spare.
    /// An estimate only: <see cref="LogSegment.Visit"/> reads on (doubling) when it falls short.
    /// </summary>
    private static int ReadHint(LogSegment seg, int count)
    {
        long records = Math.Max(1, seg.NextOffset - seg.BaseOffset);
        long average = Math.Max(RecordFormat.FrameHeaderSize + RecordFormat.MinBodySize, seg.Size / records);
        return (int)Math.Min(LogSegment.MaxReadBytes, LogSegment.IndexIntervalBytes + ((long)count + 1) * average);
    }

    private void ScanSealed(LogSegment seg)
    {
        var (end, status) = seg.Scan(long.MaxValue);
        if (status != RecordFormat.ReadStatus.EndOfData)
            throw Damaged(seg.Path, end, $"a record after offset {seg.NextOffset - 1} fails its checksum in a sealed segment");
        // Without compaction offsets are dense: a sealed segment ends where the next begins, or a segment was lost.
        int i = _segments.IndexOf(seg);
        if (_contiguous && i >= 0 && i + 1 < _segments.Count && seg.NextOffset != _segments[i + 1].BaseOffset)
        {
            throw Damaged(seg.Path, end, $"offsets {seg.NextOffset}..{_segments[i + 1].BaseOffset - 1} are missing between this segment and " +
                $"{LogSegment.FileName(_segments[i + 1].BaseOffset)} (a segment was lost)");
        }
    }

    private int SegmentIndexFor(long offset)
    {
        int lo = 0, hi = _segments.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_segments[mid].BaseOffset <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Deletes the oldest sealed segment (retention); the caller checked it may go.</summary>
    internal void DeleteOldest()
    {
        lock (_lock)
        {
            ThrowIfClosed();
            if (_segments.Count < 2) return;
            // Conservative: reads start at the log start, so kept records below it would never be asked for, and the
            // tail is normally in the active segment. Clearing keeps "the kept records are exactly the file's" simple to
            // check, at the cost of reading from the file the kept records of the segments that remain.
            _tail.Clear();
            var s = _segments[0];
            _segments.RemoveAt(0);
            _unsynced.Remove(s);
            s.Dispose();
            _fs.Delete(s.Path);
        }
    }

    /// <summary>Swaps a sealed segment for its compacted copy (already written and fsynced as <c>.cleaned</c>).</summary>
    internal void ReplaceSegment(LogSegment old, string cleanedPath)
    {
        lock (_lock)
        {
            ThrowIfClosed();
            // Conservative: the active segment, where the tail normally is, is never cleaned (returned below), and a
            // kept record the copy dropped was superseded. But the kept records would no longer be exactly the file's
            // (a record served that the file lacks), so they are forgotten; it costs one file read.
            _tail.Clear();
            int i = _segments.IndexOf(old);
            if (i < 0 || i == _segments.Count - 1)
            {
                _fs.Delete(cleanedPath);
                return;
            }
            // rename(2) is atomic: after a crash the segment is either the old file or the whole compacted
            // copy, both holding the latest value of every key they cover. The old file stays open until the
            // rename is done, so a failed rename leaves the log as it was.
            _fs.Move(cleanedPath, old.Path);
            old.Dispose();
            _unsynced.Remove(old); // the copy was fsynced before the rename
            var fresh = new LogSegment(old.Path, old.BaseOffset, _fs);
            _segments[i] = fresh;
            Failpoints.Hit(EmbeddedFailpoints.CleanerAfterRename);
            // Until the directory is fsynced a power loss may bring the old segment back, which is as good.
            _fs.SyncDirectory(Directory);
            ScanSealed(fresh);
        }
    }

    /// <summary>
    /// A closed log never writes again: its end and file positions are its own, and once the directory lock is released
    /// another application may own the files (a producer kept after the close, or a stream thread the close timeout
    /// abandoned, would write over that owner's records, and a failed commit's cut would truncate them). Reads may still
    /// reopen a segment: they change nothing.
    /// </summary>
    private void ThrowIfClosed()
    {
        if (_closed)
            throw new ObjectDisposedException($"log {Topic}-{Partition}", $"The log of topic '{Topic}' partition {Partition} ({Directory}) was closed with its application; nothing more can be written to it.");
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _closed = true;
            _tail.Clear();
            foreach (var s in _segments) s.Dispose();
            _recoveryPointFile?.Dispose();
        }
    }
}
