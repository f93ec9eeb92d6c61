using System.Buffers;
using Braid.Internal;

namespace Braid.Embedded.Logs;

/// <summary>
/// Records for one partition log, already in the log's frame format (<see cref="RecordFormat"/>) with their offsets and
/// checksums left blank: what a task's sink sent since the last commit. The log seals and writes them at the append
/// (<see cref="PartitionLog.AppendFrames"/>), so a record is encoded once, while its key and value arrays are fresh from
/// the serializer, and no list of records holds those arrays until the commit (issue 19, session 12: the commit's
/// per-record encoding was 46 % of an embedded Nexmark q5 stream thread outside GC waits, and every buffered record's
/// arrays survived a collection).
/// <para>The frames sit in pooled blocks of <see cref="BlockBytes"/> (a larger frame gets a block of its own), whole
/// frames per block: growing never copies, and blocks of one size are reused across logs, commits and threads (a buffer
/// grown by doubling copied and allocated twice its final size, fresh memory each commit).</para>
/// Used by one thread at a time (the task's, or the committing thread under the commit lock).
/// </summary>
internal sealed class FrameBuffer
{
    /// <summary>The size of a block (a frame larger than this gets a block of its own).</summary>
    public const int BlockBytes = 256 * 1024;

    private List<Block> _blocks = new();

    /// <summary>Bytes of frames held.</summary>
    public long Length { get; private set; }

    /// <summary>Frames held.</summary>
    public int Count { get; private set; }

    /// <summary>The blocks, in order: each holds whole frames (offsets and checksums blank until the log seals them).</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>
    /// Encodes the record at the end. Throws <see cref="RecordTooLargeException"/> before writing anything when the
    /// record could not be held by a log (a sink never buffers such a record: the task fails at the send).
    /// </summary>
    public void Add(in RawRecord record)
    {
        int body = RecordFormat.BodySize(record);
        int size = RecordFormat.FrameHeaderSize + body;
        if (_blocks.Count == 0 || _blocks[^1].Data.Length - _blocks[^1].Length < size)
            _blocks.Add(new Block(ArrayPool<byte>.Shared.Rent(Math.Max(BlockBytes, size))));
        var block = _blocks[^1];
        block.Length += RecordFormat.WriteUnsealed(record, body, block.Data.AsSpan(block.Length));
        block.Count++;
        Length += size;
        Count++;
    }

    /// <summary>Hands the blocks over (the log's kept tail returns them to the pool); this buffer starts empty.</summary>
    public List<Block> Detach()
    {
        var blocks = _blocks;
        _blocks = new List<Block>(blocks.Count);
        Length = 0;
        Count = 0;
        return blocks;
    }

    /// <summary>Forgets the frames; the blocks go back to the pool.</summary>
    public void Clear()
    {
        foreach (var b in _blocks) ArrayPool<byte>.Shared.Return(b.Data);
        _blocks.Clear();
        Length = 0;
        Count = 0;
    }

    /// <summary>One pooled array of whole frames: <see cref="Count"/> of them in its first <see cref="Length"/> bytes.</summary>
    internal sealed class Block(byte[] data)
    {
        public byte[] Data { get; } = data;

        public int Length { get; set; }

        public int Count { get; set; }
    }
}
