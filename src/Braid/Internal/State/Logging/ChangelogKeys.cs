using System.Buffers.Binary;
using Braid.Serialization;

namespace Braid.Internal.State.Logging;

/// <summary>
/// The changelog key layouts of Kafka Streams, which the logged stores write and restore read:
/// a window key is the record key, the 8-byte big-endian timestamp and, when duplicates are retained, a 4-byte
/// sequence number (WindowKeySchema.toStoreKeyBinary); a session key is the record key, then the 8-byte big-endian
/// session end and start (SessionKeySchema.toBinary).
/// </summary>
internal static class ChangelogKeys
{
    public static byte[] Window(byte[] key, long timestamp, int? sequence)
    {
        var bytes = new byte[key.Length + 8 + (sequence is null ? 0 : 4)];
        key.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length), timestamp);
        if (sequence is int seq) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(key.Length + 8), seq);
        return bytes;
    }

    /// <summary>Splits a window key into the record key bytes and the timestamp.</summary>
    public static (ReadOnlyMemory<byte> Key, long Timestamp) ReadWindow(byte[] windowKey, bool withSequence)
    {
        int keyLength = windowKey.Length - 8 - (withSequence ? 4 : 0);
        if (keyLength < 0) throw new SerializationException($"A window changelog key needs at least {windowKey.Length - keyLength} bytes, got {windowKey.Length}.");
        return (windowKey.AsMemory(0, keyLength), BinaryPrimitives.ReadInt64BigEndian(windowKey.AsSpan(keyLength)));
    }

    public static byte[] Session(byte[] key, long start, long end)
    {
        var bytes = new byte[key.Length + 16];
        key.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length), end);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length + 8), start);
        return bytes;
    }

    /// <summary>Splits a session key into the record key bytes, the session start and end.</summary>
    public static (ReadOnlyMemory<byte> Key, long Start, long End) ReadSession(byte[] sessionKey)
    {
        int keyLength = sessionKey.Length - 16;
        if (keyLength < 0) throw new SerializationException($"A session changelog key needs at least 16 bytes, got {sessionKey.Length}.");
        return (sessionKey.AsMemory(0, keyLength), BinaryPrimitives.ReadInt64BigEndian(sessionKey.AsSpan(keyLength + 8)),
            BinaryPrimitives.ReadInt64BigEndian(sessionKey.AsSpan(keyLength)));
    }
}
