namespace Braid.Internal.Joins;

/// <summary>
/// Key of the held non-joined records. Its serialized form orders the buffer the way Kafka's
/// TimestampedKeyAndJoinSide does: timestamp, then right side before left side, then key bytes.
/// </summary>
internal readonly record struct NonJoinedKey<TKey>(long Timestamp, bool IsLeft, TKey Key);
