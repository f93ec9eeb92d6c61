using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Braid.Internal;

namespace Braid.Embedded.Logs;

/// <summary>
/// On-disk layout of one log record: <c>[int32 body length][uint32 CRC-32 of body][body]</c>, body =
/// offset, timestamp, key, value, headers (lengths little-endian, -1 for null). The offset lives in the
/// record (not implied by position) because compaction removes records and leaves gaps.
/// </summary>
internal static class RecordFormat
{
    public const int FrameHeaderSize = 8;

    /// <summary>Bodies above this are treated as garbage (a torn length field), never allocated.</summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    /// <summary>The body of an empty record: offset, timestamp, key length, value length, header count.</summary>
    public const int MinBodySize = 28;

    public static int BodySize(in RawRecord r)
    {
        long size = BodySizeLong(r);
        return size <= MaxBodySize ? (int)size : throw new RecordTooLargeException(r.Topic, r.Partition, size);
    }

    /// <summary>The body size without overflow (a record may be larger than the log accepts).</summary>
    public static long BodySizeLong(in RawRecord r)
    {
        long size = 8 + 8 + 4 + (r.Key?.Length ?? 0) + 4L + (r.Value?.Length ?? 0) + 4;
        if (r.Headers is not null)
        {
            foreach (var h in r.Headers) size += 4 + Encoding.UTF8.GetByteCount(h.Key) + 4L + (h.Value?.Length ?? 0);
        }
        return size;
    }

    /// <summary>Throws <see cref="RecordTooLargeException"/> unless the record fits a log (checked before anything is written).</summary>
    public static void CheckSize(in RawRecord r) => BodySize(r);

    /// <summary>Writes the framed record into <paramref name="dest"/> (which must hold FrameHeaderSize + BodySize).</summary>
    public static int Write(in RawRecord r, long offset, Span<byte> dest)
    {
        int size = WriteUnsealed(r, BodySize(r), dest);
        Seal(dest, offset, out _);
        return size;
    }

    /// <summary>
    /// Writes the framed record with its offset and checksum left blank: a sink encodes its record at send time, into its
    /// collector's buffer, and the log fills both in at the append (<see cref="Seal"/>) — the bytes are then the same as
    /// <see cref="Write"/>'s. <paramref name="bodySize"/> is <see cref="BodySize"/> of the record (checked by the caller).
    /// </summary>
    public static int WriteUnsealed(in RawRecord r, int bodySize, Span<byte> dest)
    {
        var body = dest.Slice(FrameHeaderSize, bodySize);
        int p = 8; // the offset: written by Seal
        BinaryPrimitives.WriteInt64LittleEndian(body[p..], r.Timestamp); p += 8;
        p = WriteBytes(body, p, r.Key);
        p = WriteBytes(body, p, r.Value);
        BinaryPrimitives.WriteInt32LittleEndian(body[p..], r.Headers?.Count ?? 0); p += 4;
        if (r.Headers is not null)
        {
            foreach (var h in r.Headers)
            {
                p = WriteBytes(body, p, Encoding.UTF8.GetBytes(h.Key));
                p = WriteBytes(body, p, h.Value);
            }
        }
        BinaryPrimitives.WriteInt32LittleEndian(dest, bodySize);
        return FrameHeaderSize + bodySize;
    }

    /// <summary>
    /// Fills in the offset and the checksum of the frame written by <see cref="WriteUnsealed"/> at the start of
    /// <paramref name="frame"/>; returns the frame's size and its record's timestamp.
    /// </summary>
    public static int Seal(Span<byte> frame, long offset, out long timestamp)
    {
        int bodySize = BinaryPrimitives.ReadInt32LittleEndian(frame);
        var body = frame.Slice(FrameHeaderSize, bodySize);
        BinaryPrimitives.WriteInt64LittleEndian(body, offset);
        timestamp = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32.HashToUInt32(body));
        return FrameHeaderSize + bodySize;
    }

    /// <summary>Outcome of trying to read one frame at a position.</summary>
    public enum ReadStatus { Ok, EndOfData, Truncated, Corrupt }

    /// <summary>Validates the frame at the start of <paramref name="data"/>: length sane, fully present, checksum right.</summary>
    public static ReadStatus Check(ReadOnlySpan<byte> data, out int frameSize)
    {
        frameSize = 0;
        if (data.Length == 0) return ReadStatus.EndOfData;
        if (data.Length < FrameHeaderSize) return ReadStatus.Truncated;
        int bodySize = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (bodySize < MinBodySize || bodySize > MaxBodySize) return ReadStatus.Corrupt;
        if (data.Length < FrameHeaderSize + bodySize) return ReadStatus.Truncated;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (Crc32.HashToUInt32(data.Slice(FrameHeaderSize, bodySize)) != crc) return ReadStatus.Corrupt;
        frameSize = FrameHeaderSize + bodySize;
        return ReadStatus.Ok;
    }

    /// <summary>Reads only the offset and timestamp of a checked frame.</summary>
    public static (long Offset, long Timestamp) PeekOffset(ReadOnlySpan<byte> frame) =>
        (BinaryPrimitives.ReadInt64LittleEndian(frame[FrameHeaderSize..]), BinaryPrimitives.ReadInt64LittleEndian(frame[(FrameHeaderSize + 8)..]));

    /// <summary>Decodes a frame already validated by <see cref="Check"/>.</summary>
    public static RawRecord Decode(ReadOnlySpan<byte> frame, string topic, int partition)
    {
        var body = frame[FrameHeaderSize..];
        int p = 0;
        long offset = BinaryPrimitives.ReadInt64LittleEndian(body); p += 8;
        long ts = BinaryPrimitives.ReadInt64LittleEndian(body[p..]); p += 8;
        var key = ReadBytes(body, ref p);
        var value = ReadBytes(body, ref p);
        int headerCount = BinaryPrimitives.ReadInt32LittleEndian(body[p..]); p += 4;
        Headers? headers = null;
        if (headerCount > 0)
        {
            headers = new Headers();
            for (int i = 0; i < headerCount; i++)
            {
                var hk = ReadBytes(body, ref p) ?? [];
                headers.Add(Encoding.UTF8.GetString(hk), ReadBytes(body, ref p));
            }
        }
        return new RawRecord(topic, partition, offset, key, value, ts, headers);
    }

    /// <summary>The key bytes of a validated frame, without copying the rest (compaction reads only keys).</summary>
    public static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> frame, out bool isNull)
    {
        var body = frame[(FrameHeaderSize + 16)..];
        int len = BinaryPrimitives.ReadInt32LittleEndian(body);
        isNull = len < 0;
        return isNull ? default : body.Slice(4, len);
    }

    private static int WriteBytes(Span<byte> body, int p, byte[]? bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(body[p..], bytes is null ? -1 : bytes.Length);
        p += 4;
        if (bytes is not null)
        {
            bytes.CopyTo(body[p..]);
            p += bytes.Length;
        }
        return p;
    }

    private static byte[]? ReadBytes(ReadOnlySpan<byte> body, ref int p)
    {
        int len = BinaryPrimitives.ReadInt32LittleEndian(body[p..]);
        p += 4;
        if (len < 0) return null;
        var b = body.Slice(p, len).ToArray();
        p += len;
        return b;
    }
}
