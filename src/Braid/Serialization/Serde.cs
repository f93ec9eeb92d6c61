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

    /// <summary>Deserializes bytes produced by <see cref="Serialize"/>; throws on malformed input.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The value.</returns>
    public abstract T Deserialize(ReadOnlySpan<byte> data);

    /// <summary>A short name used in descriptions and error messages.</summary>
    public virtual string Name => GetType().Name;
}
