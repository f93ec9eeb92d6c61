namespace Braid.Serialization;

/// <summary>
/// A serializer and deserializer for one type, used only at topic and store boundaries.
/// Serdes are values: pass an instance (see <see cref="Serdes"/>), never a type parameter.
/// Null is never handed to a serde: a null value is written as "no bytes" (a tombstone) by Braid itself.
/// </summary>
/// <typeparam name="T">The type this serde converts.</typeparam>
public abstract class Serde<T>
{
    /// <summary>Serializes a non-null value to bytes.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The bytes.</returns>
    public abstract byte[] Serialize(T value);

    /// <summary>Deserializes bytes produced by <see cref="Serialize(T)"/>; throws on malformed input.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The value.</returns>
    public abstract T Deserialize(ReadOnlySpan<byte> data);

    /// <summary>
    /// Serializes a non-null value for a topic. Override it when the bytes depend on the topic, on
    /// key-or-value or on headers (Schema Registry serdes); the default ignores the context.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="context">Topic, key or value, and headers.</param>
    /// <returns>The bytes.</returns>
    public virtual byte[] Serialize(T value, SerdeContext context) => Serialize(value);

    /// <summary>Deserializes bytes read from a topic; the default ignores the context.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="context">Topic, key or value, and headers.</param>
    /// <returns>The value.</returns>
    public virtual T Deserialize(ReadOnlySpan<byte> data, SerdeContext context) => Deserialize(data);

    /// <summary>
    /// True when <see cref="Serialize(T, SerdeContext)"/> may add headers: Braid then hands it a header
    /// list even for a record that has none, and writes what it adds with the record.
    /// </summary>
    public virtual bool WritesHeaders => false;

    /// <summary>A short name used in descriptions and error messages.</summary>
    public virtual string Name => GetType().Name;
}
