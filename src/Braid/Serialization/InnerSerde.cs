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

/// <summary>
/// A serde built around others: one <see cref="Write"/> and one <see cref="Read"/> serve both the context-free
/// calls (state stores) and the topic calls, and hand the context (or its absence) to the wrapped serdes through
/// <see cref="InnerSerde"/>.
/// </summary>
/// <typeparam name="T">The wrapped value type.</typeparam>
internal abstract class WrapperSerde<T> : Serde<T>
{
    public sealed override byte[] Serialize(T value) => Write(value, null);

    public sealed override byte[] Serialize(T value, SerdeContext context) => Write(value, context);

    public sealed override T Deserialize(ReadOnlySpan<byte> data) => Read(data, null);

    public sealed override T Deserialize(ReadOnlySpan<byte> data, SerdeContext context) => Read(data, context);

    protected abstract byte[] Write(T value, SerdeContext? context);

    protected abstract T Read(ReadOnlySpan<byte> data, SerdeContext? context);
}
