using System.Buffers;
using System.Text;
using Braid.Serialization;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// A value's serialized bytes where a foreign-key join needs them only inside a larger key or for a comparison. The
/// built-in string serde's bytes are the value's UTF-8 (<c>Encoding.UTF8.GetBytes</c>), so they are written straight
/// into the target, or compared from the stack, instead of going through a new array per value (issue 19: the
/// combined subscription keys and the foreign-key comparisons were most of the join's byte arrays). Any other serde
/// is asked for its bytes, as before.
/// </summary>
internal static class SerdeBytes
{
    private const int StackLimit = 256;

    /// <summary>The length of <paramref name="value"/>'s bytes; <paramref name="bytes"/> holds them unless the serde is
    /// the built-in string serde (then <see cref="Write{T}"/> encodes them).</summary>
    public static int Length<T>(Serde<T> serde, T value, out byte[]? bytes)
    {
        if (ReferenceEquals(serde, Serdes.String) && value is string s)
        {
            bytes = null;
            return Encoding.UTF8.GetByteCount(s);
        }
        bytes = serde.Serialize(value);
        return bytes.Length;
    }

    /// <summary>Writes the bytes measured by <see cref="Length{T}"/> into <paramref name="to"/> (exactly that long).</summary>
    public static void Write<T>(T value, byte[]? bytes, Span<byte> to)
    {
        if (bytes is not null) bytes.CopyTo(to);
        else Encoding.UTF8.GetBytes((string)(object)value!, to);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> serialize to the same bytes, as Kafka compares
    /// foreign keys (the subscription store is keyed by bytes): equal objects do; others are compared by bytes.</summary>
    public static bool Equal<T>(Serde<T> serde, T a, T b)
    {
        if (EqualityComparer<T>.Default.Equals(a, b)) return true;
        if (!ReferenceEquals(serde, Serdes.String) || a is not string x || b is not string y)
            return serde.Serialize(a).AsSpan().SequenceEqual(serde.Serialize(b));
        // Two different strings have the same UTF-8 only through unpaired surrogates (both become U+FFFD).
        if (!x.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') && !y.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return false;
        return Utf8Equal(x, y);
    }

    private static bool Utf8Equal(string x, string y)
    {
        int nx = Encoding.UTF8.GetByteCount(x), ny = Encoding.UTF8.GetByteCount(y);
        if (nx != ny) return false;
        byte[]? rented = nx > StackLimit ? ArrayPool<byte>.Shared.Rent(2 * nx) : null;
        try
        {
            Span<byte> both = rented is null ? stackalloc byte[2 * StackLimit] : rented;
            Encoding.UTF8.GetBytes(x, both[..nx]);
            Encoding.UTF8.GetBytes(y, both.Slice(nx, nx));
            return both[..nx].SequenceEqual(both.Slice(nx, nx));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
