using System.Buffers;
using Braid.Internal;

namespace Braid.Embedded.Logs;

/// <summary>
/// Records for one partition log, already in the log's frame format (<see cref="RecordFormat"/>) with their offsets and
/// checksums left blank, in one pooled array: what a task's sink sent since the last commit. The log seals and writes
/// them at the append (<see cref="PartitionLog.AppendFrames"/>), so a record is encoded once, while its key and value
/// arrays are fresh from the serializer, and no list of records holds those arrays until the commit (issue 19, session
/// 12: the commit's per-record encoding was 46 % of an embedded Nexmark q5 stream thread outside GC waits, and every
/// buffered record's arrays survived a collection).
/// Used by one thread at a time (the task's, or the committing thread under the commit lock).
/// </summary>
internal sealed class FrameBuffer
{
    private const int MinCapacity = 4096;

    private byte[] _data = [];
    private int _detachedLength;

    /// <summary>Bytes of frames held.</summary>
    public int Length { get; private set; }

    /// <summary>Frames held.</summary>
    public int Count { get; private set; }

    /// <summary>The frames (offsets and checksums blank until the log seals them).</summary>
    public Span<byte> Frames => _data.AsSpan(0, Length);

    /// <summary>
    /// Encodes the record at the end. Throws <see cref="RecordTooLargeException"/> before writing anything when the
    /// record could not be held by a log (a sink never buffers such a record: the task fails at the send).
    /// </summary>
    public void Add(in RawRecord record)
    {
        int body = RecordFormat.BodySize(record);
        int size = RecordFormat.FrameHeaderSize + body;
        if (_data.Length - Length < size) Grow(size);
        Length += RecordFormat.WriteUnsealed(record, body, _data.AsSpan(Length));
        Count++;
    }

    /// <summary>Hands the array over (the log's kept tail returns it to the pool); this buffer starts empty.</summary>
    public byte[] Detach()
    {
        var data = _data;
        // The next commit's output is likely about as large: its first send rents that much at once, instead of growing
        // from 4 KiB by doubling and copying (issue 19, session 12: growth was 13 % of an embedded q5 stream thread).
        _detachedLength = Length;
        _data = [];
        Length = 0;
        Count = 0;
        return data;
    }

    /// <summary>Forgets the frames, keeping the array for the next ones (or returning it to the pool).</summary>
    public void Clear(bool release = false)
    {
        Length = 0;
        Count = 0;
        if (release) Return();
    }

    private void Grow(int size)
    {
        long want = Math.Max(Math.Max(MinCapacity, (long)_data.Length * 2), (long)Length + size);
        if (_data.Length == 0) want = Math.Max(want, _detachedLength + (long)(_detachedLength >> 3));
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(want, Array.MaxLength));
        if (bigger.Length - Length < size) throw new InvalidOperationException($"A buffer of {Length:N0} bytes cannot take a record of {size:N0} more.");
        _data.AsSpan(0, Length).CopyTo(bigger);
        Return();
        _data = bigger;
    }

    private void Return()
    {
        if (_data.Length > 0) ArrayPool<byte>.Shared.Return(_data);
        _data = [];
    }
}
