using System.Buffers;
using System.Buffers.Binary;
using Braid.Embedded.Logs.Files;

namespace Braid.Embedded.Logs;

/// <summary>Visits one checked frame at a file position; return false to stop.</summary>
internal delegate bool FrameVisitor(ReadOnlySpan<byte> frame, long position);

/// <summary>
/// One segment file of a partition log, named after the first offset it was created for. Keeps a sparse
/// index (offset → file position, one entry per <see cref="IndexIntervalBytes"/>) built while scanning
/// or appending, so a read seeks close to its offset. All positional I/O (pread/pwrite): readers and the
/// single appender never share a file pointer.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    public const int IndexIntervalBytes = 4096;

    /// <summary>The read buffer of <see cref="Visit"/>: the most one read fetches.</summary>
    public const int MaxReadBytes = 256 * 1024;

    private const int MinReadBytes = 4096;

    private readonly List<long> _indexOffsets = new();
    private readonly List<long> _indexPositions = new();
    private long _lastIndexedPosition = -IndexIntervalBytes;
    private readonly LogFileSystem _fs;
    private ILogFile? _file;

    public LogSegment(string path, long baseOffset, LogFileSystem? fs = null)
    {
        _fs = fs ?? LogFileSystem.Default;
        Path = path;
        BaseOffset = baseOffset;
        NextOffset = baseOffset;
    }

    public string Path { get; }

    public long BaseOffset { get; }

    /// <summary>Bytes of whole, valid records (the file may be longer until a cut).</summary>
    public long Size { get; private set; }

    /// <summary>The offset after this segment's last record (BaseOffset while empty). Valid once scanned.</summary>
    public long NextOffset { get; private set; }

    /// <summary>Largest record timestamp in the segment (for time retention); long.MinValue when empty.</summary>
    public long MaxTimestamp { get; private set; } = long.MinValue;

    public bool Scanned { get; private set; }

    /// <summary>The open file (opened, or created, on first use).</summary>
    public ILogFile File => _file ??= _fs.Open(Path);

    public static string FileName(long baseOffset) => baseOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + ".log";

    /// <summary>
    /// Reads every frame from the start, checking each, stopping before the first record whose offset is
    /// <paramref name="stopAtOffset"/> or more. Returns where valid data ends and why the scan stopped.
    /// </summary>
    public (long ValidEnd, RecordFormat.ReadStatus Status) Scan(long stopAtOffset)
    {
        _indexOffsets.Clear();
        _indexPositions.Clear();
        _lastIndexedPosition = -IndexIntervalBytes;
        long next = BaseOffset, maxTs = long.MinValue;
        long fileLength = File.Length;
        var (end, status) = Visit(0, fileLength, (frame, pos) =>
        {
            var (offset, ts) = RecordFormat.PeekOffset(frame);
            if (offset >= stopAtOffset) return false;
            AddIndex(offset, pos);
            next = offset + 1;
            if (ts > maxTs) maxTs = ts;
            return true;
        });
        Size = end;
        NextOffset = next;
        MaxTimestamp = maxTs;
        Scanned = true;
        return (end, status);
    }

    /// <summary>Appends whole frames holding records up to <paramref name="nextOffset"/> and indexes them.</summary>
    public void Append(ReadOnlySpan<byte> frames, long nextOffset, long maxTimestamp)
    {
        // A crash inside this write leaves a torn tail; recovery cuts it (input logs) or truncates to the
        // committed high-water mark (logs the application writes), so a partial write is never read.
        File.Write(frames, Size);
        // An index entry every IndexIntervalBytes inside the appended bytes, as a scan would add them — not one
        // per call: a producer's batch or a commit's output can be megabytes, and with one entry per append every
        // read from its middle started at its first record and checked every frame before it (issue 19: reading
        // a 1M-record input took 57% of the stream thread, quadratic in the batch size).
        for (int p = 0; p < frames.Length;)
        {
            var frame = frames[p..];
            AddIndex(RecordFormat.PeekOffset(frame).Offset, Size + p);
            p += RecordFormat.FrameHeaderSize + BinaryPrimitives.ReadInt32LittleEndian(frame);
        }
        Size += frames.Length;
        NextOffset = nextOffset;
        if (maxTimestamp > MaxTimestamp) MaxTimestamp = maxTimestamp;
        Scanned = true;
    }

    /// <summary>Cuts the file back to <paramref name="validEnd"/> bytes (the scan must have stopped there).</summary>
    public void Truncate(long validEnd)
    {
        File.SetLength(validEnd);
        Size = validEnd;
    }

    public void Sync() => File.Sync();

    /// <summary>The file position to start reading for <paramref name="offset"/> (a record at or before it).</summary>
    public long PositionFor(long offset)
    {
        int i = _indexOffsets.BinarySearch(offset);
        if (i >= 0) return _indexPositions[i];
        i = ~i - 1;
        return i < 0 ? 0 : _indexPositions[i];
    }

    /// <summary>
    /// Visits checked frames from <paramref name="position"/> to <paramref name="end"/>. Stops at the first
    /// frame that is cut short or fails its checksum and reports it; the caller decides whether that is a
    /// torn tail or corruption.
    /// </summary>
    /// <param name="position">Where to start.</param>
    /// <param name="end">Where valid data ends.</param>
    /// <param name="visit">Called per frame.</param>
    /// <param name="firstReadBytes">How many bytes the first read fetches (a caller that stops after a few records
    /// says roughly how many bytes they take); each further read doubles it, up to the 256 KiB buffer.</param>
    public (long End, RecordFormat.ReadStatus Status) Visit(long position, long end, FrameVisitor visit, int firstReadBytes = MaxReadBytes)
    {
        var buf = ArrayPool<byte>.Shared.Rent(MaxReadBytes);
        try
        {
            long bufPos = position;
            int bufLen = 0, cursor = 0;
            int chunk = Math.Clamp(firstReadBytes, MinReadBytes, MaxReadBytes);
            while (true)
            {
                var span = buf.AsSpan(cursor, bufLen - cursor);
                var st = RecordFormat.Check(span, out int size);
                long abs = bufPos + cursor;
                if (st == RecordFormat.ReadStatus.Ok && abs + size <= end)
                {
                    if (!visit(span[..size], abs)) return (abs, RecordFormat.ReadStatus.Ok);
                    cursor += size;
                    continue;
                }
                if (abs >= end) return (abs, RecordFormat.ReadStatus.EndOfData);
                long available = end - (bufPos + bufLen);
                if (st is RecordFormat.ReadStatus.Truncated or RecordFormat.ReadStatus.EndOfData && available > 0)
                {
                    span.CopyTo(buf);
                    bufLen = span.Length;
                    bufPos = abs;
                    cursor = 0;
                    int need = span.Length >= 4 ? RecordFormat.FrameHeaderSize + BitConverter.ToInt32(buf, 0) : RecordFormat.FrameHeaderSize;
                    if (need > buf.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(need);
                        buf.AsSpan(0, bufLen).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buf);
                        buf = bigger;
                    }
                    // A whole frame at least; otherwise the current chunk, so a fetch of a few hundred records does
                    // not copy 256 KiB out of the page cache to use a tenth of it (issue 19, session 6).
                    int toRead = (int)Math.Min(buf.Length - bufLen, Math.Min(available, Math.Max(chunk, need - bufLen)));
                    int n = File.Read(buf.AsSpan(bufLen, toRead), bufPos + bufLen);
                    if (n <= 0) return (abs, RecordFormat.ReadStatus.Truncated);
                    bufLen += n;
                    chunk = Math.Min(chunk * 2, MaxReadBytes);
                    continue;
                }
                return (abs, st == RecordFormat.ReadStatus.Ok || st == RecordFormat.ReadStatus.EndOfData ? RecordFormat.ReadStatus.Truncated : st);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Drops the cached handle (after the file was replaced by a compacted copy or deleted).</summary>
    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void AddIndex(long offset, long position)
    {
        if (position - _lastIndexedPosition < IndexIntervalBytes) return;
        _indexOffsets.Add(offset);
        _indexPositions.Add(position);
        _lastIndexedPosition = position;
    }
}
