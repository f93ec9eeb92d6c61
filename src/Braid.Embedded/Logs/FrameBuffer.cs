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
/// <para>The frames sit in pooled blocks, whole frames per block: growing never copies (a buffer grown by doubling copied
/// and allocated twice its final size, fresh memory each commit). Blocks double from the first one's size up to
/// <see cref="BlockBytes"/> (a larger frame gets a block of its own); a commit's first block is sized from the last
/// commit's frames, so a log written a few records per commit holds a few KiB, not a 256 KiB block (review, session 12:
/// many tasks × repartition partitions each held a whole block per commit), while a busy log starts at full blocks.
/// <c>ArrayPool.Shared</c> reuses blocks of a size across logs, commits and threads up to its per-core capacity; beyond
/// that a block is fresh memory.</para>
/// Used by one thread at a time (the task's, or the committing thread under the commit lock).
/// </summary>
internal sealed class FrameBuffer
{
    /// <summary>The size of a block (a frame larger than this gets a block of its own).</summary>
    public const int BlockBytes = 256 * 1024;

    /// <summary>The smallest first block.</summary>
    public const int MinBlockBytes = 4 * 1024;

    private readonly int _minBlockBytes;
    private int _nextBlockBytes;
    private List<Block> _blocks = new();

    /// <param name="minBlockBytes">The smallest first block (tests use tiny blocks to cross block boundaries).</param>
    public FrameBuffer(int minBlockBytes = MinBlockBytes)
    {
        _minBlockBytes = Math.Clamp(minBlockBytes, 16, BlockBytes);
        _nextBlockBytes = _minBlockBytes;
    }

    /// <summary>Bytes of frames held.</summary>
    public long Length { get; private set; }

    /// <summary>Frames held.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of the blocks held (what the frames cost in memory).</summary>
    public long RentedBytes { get; private set; }

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
        {
            var data = ArrayPool<byte>.Shared.Rent(Math.Max(_nextBlockBytes, size));
            _blocks.Add(new Block(data));
            RentedBytes += data.Length;
            _nextBlockBytes = Math.Min(BlockBytes, _nextBlockBytes * 2);
        }
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
        Reset();
        return blocks;
    }

    /// <summary>Forgets the frames; the blocks go back to the pool.</summary>
    public void Clear()
    {
        foreach (var b in _blocks) ArrayPool<byte>.Shared.Return(b.Data);
        _blocks.Clear();
        Reset();
    }

    /// <summary>Empty again; the next first block is sized from the frames just handed over or dropped.</summary>
    private void Reset()
    {
        _nextBlockBytes = (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, Length)), (ulong)_minBlockBytes, BlockBytes);
        Length = 0;
        Count = 0;
        RentedBytes = 0;
    }

    /// <summary>One pooled array of whole frames: <see cref="Count"/> of them in its first <see cref="Length"/> bytes.</summary>
    internal sealed class Block(byte[] data)
    {
        public byte[] Data { get; } = data;

        public int Length { get; set; }

        public int Count { get; set; }
    }
}
