using System.Buffers.Binary;

namespace Braid.RocksDb;

/// <summary>
/// Byte layout of keys inside a store's column family. Every key starts with the owning task
/// (sub-topology and partition, 4 bytes big-endian each) and a tag byte:
/// <list type="bullet">
/// <item><c>[task][0x00]</c> — the store's own metadata for that task (stream time, sequence numbers);</item>
/// <item><c>[task][0x01]…</c> — data, laid out by the store kind.</item>
/// </list>
/// The tag keeps metadata apart from data even when a serialized key is empty, and keeps all of one
/// task's data contiguous, so a task's range can be scanned (or deleted) on its own.
/// </summary>
internal static class KeyLayout
{
    public const int TaskPrefixLength = 8;
    public const int DataPrefixLength = TaskPrefixLength + 1;
    public const byte MetaTag = 0x00;
    public const byte DataTag = 0x01;

    public static byte[] MetaKey(TaskId task) => Prefix(task, MetaTag);

    public static byte[] DataPrefix(TaskId task) => Prefix(task, DataTag);

    private static byte[] Prefix(TaskId task, byte tag)
    {
        var b = new byte[DataPrefixLength];
        BinaryPrimitives.WriteInt32BigEndian(b, task.Subtopology);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), task.Partition);
        b[TaskPrefixLength] = tag;
        return b;
    }

    /// <summary>Writes a signed long so that unsigned byte order equals numeric order (core's <see cref="OrderedInt64"/>).</summary>
    public static void WriteOrderedInt64(Span<byte> destination, long value) => OrderedInt64.Write(destination, value);

    public static long ReadOrderedInt64(ReadOnlySpan<byte> source) => OrderedInt64.Read(source);

    /// <summary>The smallest key greater than every key that starts with <paramref name="prefix"/>; null when none exists.</summary>
    /// <summary>
    /// Writes <c>[prefix][time][key length][key]</c> (time sign-flipped big-endian, length big-endian): the head every
    /// window entry, session and session end-index entry starts with (the time being the segment, the segment, and the
    /// session end); returns its length, where the entry's own suffix goes.
    /// </summary>
    public static int WriteTimeKeyHead(Span<byte> destination, ReadOnlySpan<byte> prefix, long time, ReadOnlySpan<byte> keyBytes)
    {
        prefix.CopyTo(destination);
        WriteOrderedInt64(destination[prefix.Length..], time);
        BinaryPrimitives.WriteInt32BigEndian(destination[(prefix.Length + 8)..], keyBytes.Length);
        keyBytes.CopyTo(destination[(prefix.Length + 12)..]);
        return prefix.Length + 12 + keyBytes.Length;
    }

    public static byte[]? PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        for (int i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] == 0xFF) continue;
            var end = prefix[..(i + 1)].ToArray();
            end[i]++;
            return end;
        }
        return null;
    }
}

/// <summary>A growable scratch buffer for building keys without allocating per operation (one per store; stores are single-threaded).</summary>
internal sealed class KeyBuffer
{
    private byte[] _buffer = new byte[64];

    /// <summary>Copies <paramref name="prefix"/> then <paramref name="key"/> and returns a view of the result (valid until the next call).</summary>
    public ReadOnlySpan<byte> Compose(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key)
    {
        int length = prefix.Length + key.Length;
        Ensure(length);
        prefix.CopyTo(_buffer);
        key.CopyTo(_buffer.AsSpan(prefix.Length));
        return _buffer.AsSpan(0, length);
    }

    /// <summary>The whole buffer, at least <paramref name="length"/> bytes, for layouts written in place.</summary>
    public Span<byte> Get(int length)
    {
        Ensure(length);
        return _buffer.AsSpan(0, length);
    }

    private void Ensure(int length)
    {
        if (_buffer.Length < length) Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
    }
}
