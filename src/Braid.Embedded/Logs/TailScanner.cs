using System.Buffers.Binary;
using Braid.Embedded.Logs.Files;

namespace Braid.Embedded.Logs;

/// <summary>
/// Tells a torn tail from damage. A crash mid-write leaves garbage only at the very end of the last
/// segment; a flipped bit (in a length field too) in the middle leaves valid records after it. So from the
/// first bad byte we search every later byte position for a frame that passes all checks — sane length,
/// fully present, CRC-32 right, and an offset just after the last good one. Finding one means damage.
/// Kafka's <c>LogSegment.recover</c> / <c>LogLoader.recoverLog</c> simply cut at the first invalid batch
/// and drop later segments: a Kafka broker can, because followers hold the data again. A local log has
/// no replica, so cutting valid records would lose them silently; we stop with an error instead.
/// </summary>
internal static class TailScanner
{
    /// <summary>Bytes searched after the bad position (bounded so a huge segment never loads whole).</summary>
    public const int MaxSearchBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Finds the position of the first valid frame after <paramref name="badAt"/> whose offset is greater than
    /// <paramref name="lastGoodOffset"/>, or -1 if the rest of the file holds none (a torn tail).
    /// </summary>
    public static long FindNextValidFrame(ILogFile file, long badAt, long fileLength, long lastGoodOffset)
    {
        long searchEnd = Math.Min(fileLength, badAt + MaxSearchBytes);
        int length = (int)(searchEnd - badAt);
        if (length <= RecordFormat.FrameHeaderSize) return -1;
        var buf = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = file.Read(buf.AsSpan(read), badAt + read);
            if (n <= 0) break;
            read += n;
        }
        // A frame's offset lies after the last good one, and no further than one per minimal frame.
        long maxOffset = lastGoodOffset + 1 + length / (RecordFormat.FrameHeaderSize + RecordFormat.MinBodySize);
        for (int p = 1; p + RecordFormat.FrameHeaderSize + 8 <= read; p++)
        {
            var span = buf.AsSpan(p, read - p);
            int body = BinaryPrimitives.ReadInt32LittleEndian(span);
            if (body < RecordFormat.MinBodySize || body > span.Length - RecordFormat.FrameHeaderSize) continue;
            long offset = BinaryPrimitives.ReadInt64LittleEndian(span[RecordFormat.FrameHeaderSize..]);
            if (offset <= lastGoodOffset || offset > maxOffset) continue;
            if (RecordFormat.Check(span, out _) == RecordFormat.ReadStatus.Ok) return badAt + p;
        }
        return -1;
    }
}
