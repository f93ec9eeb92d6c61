namespace Braid.Internal;

/// <summary>A record as it sits in a topic: bytes plus position. Only sources and sinks see these.</summary>
internal readonly record struct RawRecord(
    string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, long Timestamp, Headers? Headers);
