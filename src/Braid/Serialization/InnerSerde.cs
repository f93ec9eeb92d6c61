namespace Braid.Serialization;

/// <summary>
/// How a wrapper serde (windowed keys, table changes, join keys, foreign-key messages) calls the serde it wraps:
/// with the topic context when it was given one, so a context-requiring inner serde (Schema Registry) sees the
/// same topic, key-or-value and headers as it would unwrapped — as Kafka's TimeWindowedSerializer and
/// ChangedSerializer pass the topic on — and without one inside state stores.
/// </summary>
internal static class InnerSerde
{
    public static byte[] SerializeWith<T>(this Serde<T> inner, T value, SerdeContext? context) =>
        context is { } c ? inner.Serialize(value, c) : inner.Serialize(value);

    public static T DeserializeWith<T>(this Serde<T> inner, ReadOnlySpan<byte> data, SerdeContext? context) =>
        context is { } c ? inner.Deserialize(data, c) : inner.Deserialize(data);
}
