using System.Buffers;
using Braid.Internal;

namespace Braid.Embedded.Logs;

/// <summary>
/// The frames a stream thread's sinks appended to a log in this process, kept as the arrays they were written from
/// (<see cref="PartitionLog.AppendFrames"/>: the blocks of whole commits' frame buffers, dense offsets, newest last), so the task that
/// reads the log next — a repartition topic's consumer, usually on the same thread — decodes them from memory without
/// reading the file back or checking checksums (issue 19: the embedded runtime's repartitions wrote, read and decoded
/// every record). The log still holds every byte: it is what recovery, readers (<see cref="TopicReader{TKey,TValue}"/>
/// reads the file) and a restarted task see. The kept bytes are the file's bytes (sealed: offsets and checksums filled
/// in before the write), so a kept read returns exactly what a file read would. The log's lock guards this.
/// <para>Until session 12 this kept the appended <see cref="RawRecord"/>s and shared their key and value arrays with the
/// reader; every buffered and kept record's arrays then survived garbage collections, and the commit encoded each record
/// from them. Frames cost the reader one decode per record into fresh (short-lived) arrays, and nothing is shared.</para>
/// <para><b>When it must forget.</b> Whenever the file's records at kept offsets may differ from the kept ones or stop
/// existing: a cut of uncommitted records (a failed commit's output is produced again, possibly different), a segment
/// swapped by the cleaner, retention deleting a segment, an append not kept (the offsets would stop being dense).</para>
/// </summary>
internal sealed class AppendedTail(string topic, int partition)
{
    /// <summary>The most bytes of blocks kept per log — the blocks' sizes, not only the frames in them, so memory is
    /// bounded whatever the appends' sizes (review, session 12: counting frame bytes let a lagging consumer's tail hold a
    /// 256 KiB block per one-record append). The consumer runs about one commit behind the writer; a commit's blocks
    /// larger than this alone are not kept.</summary>
    public const long MaxBytes = 64L << 20;

    private readonly List<Chunk> _chunks = new();
    private int _head;
    private long _bytes;
    private int _cursorChunk = -1;
    private long _cursorOffset;
    private int _cursorPosition;

    /// <summary>The offset of the oldest kept record (meaningful while <see cref="Count"/> &gt; 0).</summary>
    public long StartOffset => _chunks[_head].FirstOffset;

    /// <summary>Records kept.</summary>
    public long Count => _chunks.Count == _head ? 0 : EndOffset - StartOffset;

    /// <summary>Bytes of the blocks kept (what the cap counts).</summary>
    public long KeptBytes => _bytes;

    /// <summary>The offset after the newest kept record.</summary>
    public long EndOffset => _chunks[^1].FirstOffset + _chunks[^1].Count;

    /// <summary>
    /// Keeps the sealed frames of <paramref name="frames"/>, whose first record is at <paramref name="firstOffset"/>,
    /// taking its blocks (the buffer is empty afterwards); forgets the older ones when they would not stay dense. Returns
    /// false, keeping nothing and taking nothing, when the frames alone exceed <see cref="MaxBytes"/>.
    /// </summary>
    public bool Add(FrameBuffer frames, long firstOffset)
    {
        if (frames.Count == 0) return false;
        if (Count > 0 && firstOffset != EndOffset) Clear();
        if (frames.RentedBytes > MaxBytes)
        {
            Clear(); // what follows is not kept: the kept records would not stay dense up to the next kept ones
            return false;
        }
        long offset = firstOffset;
        foreach (var block in frames.Detach())
        {
            _chunks.Add(new Chunk(block.Data, block.Length, offset, block.Count));
            _bytes += block.Data.Length;
            offset += block.Count;
        }
        while (_bytes > MaxBytes) DropOldest();
        return true;
    }

    /// <summary>
    /// Decodes kept records from <paramref name="from"/> on, below <paramref name="limit"/>, at most <paramref name="max"/>,
    /// into <paramref name="into"/>; returns how many (0 when <paramref name="from"/> is not kept).
    /// </summary>
    public int Read(long from, long limit, int max, List<RawRecord> into)
    {
        if (Count == 0 || from < StartOffset || from >= EndOffset) return 0;
        long stop = Math.Min(Math.Min(limit, EndOffset), from + max);
        int ci = _head;
        while (_chunks[ci].FirstOffset + _chunks[ci].Count <= from) ci++;
        long o = from;
        int n = 0;
        for (; ci < _chunks.Count && o < stop; ci++)
        {
            var c = _chunks[ci];
            int pos = PositionOf(ci, o);
            long end = Math.Min(stop, c.FirstOffset + c.Count);
            for (; o < end; o++, n++)
            {
                var frame = c.Data.AsSpan(pos, c.Length - pos);
                int size = RecordFormat.FrameHeaderSize + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(frame);
                into.Add(RecordFormat.Decode(frame[..size], topic, partition));
                pos += size;
            }
            (_cursorChunk, _cursorOffset, _cursorPosition) = (ci, o, pos);
        }
        return n;
    }

    /// <summary>
    /// Forgets the frames of records below <paramref name="offset"/> (whole blocks, once all their records are
    /// below it): the task reads on from there (a task that rewinds to its last commit reads the file).
    /// </summary>
    public void DropBelow(long offset)
    {
        while (Count > 0 && _chunks[_head].FirstOffset + _chunks[_head].Count <= offset) DropOldest();
    }

    /// <summary>Forgets every kept frame (the arrays go back to the pool).</summary>
    public void Clear()
    {
        for (int i = _head; i < _chunks.Count; i++) ArrayPool<byte>.Shared.Return(_chunks[i].Data);
        _chunks.Clear();
        _head = 0;
        _bytes = 0;
        _cursorChunk = -1;
    }

    /// <summary>Where the frame of <paramref name="offset"/> starts in chunk <paramref name="ci"/>: where the last read
    /// ended (reads are sequential), else found by walking the frames' lengths from the chunk's start.</summary>
    private int PositionOf(int ci, long offset)
    {
        var c = _chunks[ci];
        long o = c.FirstOffset;
        int pos = 0;
        if (_cursorChunk == ci && _cursorOffset <= offset) (o, pos) = (_cursorOffset, _cursorPosition);
        for (; o < offset; o++) pos += RecordFormat.FrameHeaderSize + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(c.Data.AsSpan(pos));
        return pos;
    }

    private void DropOldest()
    {
        var c = _chunks[_head];
        _bytes -= c.Data.Length;
        ArrayPool<byte>.Shared.Return(c.Data);
        _chunks[_head] = default;
        _head++;
        if (_cursorChunk < _head) _cursorChunk = -1;
        if (_head == _chunks.Count)
        {
            _chunks.Clear();
            _head = 0;
            _cursorChunk = -1;
        }
        else if (_head >= 64 && _head * 2 >= _chunks.Count)
        {
            // Compact now and then: amortized O(1) per chunk.
            _chunks.RemoveRange(0, _head);
            if (_cursorChunk >= 0) _cursorChunk -= _head;
            _head = 0;
        }
    }

    /// <summary>One append's frames: <paramref name="Count"/> records from <paramref name="FirstOffset"/>.</summary>
    private readonly record struct Chunk(byte[] Data, int Length, long FirstOffset, int Count);
}
