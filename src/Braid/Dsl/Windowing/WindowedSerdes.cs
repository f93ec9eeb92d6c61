using System.Buffers.Binary;
using Braid.Internal.State.Logging;

namespace Braid.Serialization;

/// <summary>
/// Serdes for windowed keys in Kafka's byte layout, so windowed tables can be written to topics that
/// Kafka Streams (or any <c>WindowedSerdes</c> consumer) reads, and back.
/// </summary>
public static class WindowedSerdes
{
    /// <summary>
    /// Time-windowed keys: the inner key bytes, then the window start (8 bytes, big-endian). The end is
    /// not written; it is start + <paramref name="windowSize"/> when reading (Kafka's <c>TimeWindowedSerde</c>).
    /// </summary>
    /// <param name="inner">The record key serde.</param>
    /// <param name="windowSize">The window size (for sliding windows: the time difference); positive.</param>
    /// <typeparam name="TKey">The record key type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<Windowed<TKey>> TimeWindowed<TKey>(Serde<TKey> inner, TimeSpan windowSize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new TimeWindowedSerde<TKey>(inner, WindowMs.Positive(nameof(WindowedSerdes), windowSize, "the window size"));
    }

    /// <summary>
    /// Session-windowed keys: the inner key bytes, then the session end and start (8 bytes each,
    /// big-endian), as Kafka's <c>SessionWindowedSerde</c>.
    /// </summary>
    /// <param name="inner">The record key serde.</param>
    /// <typeparam name="TKey">The record key type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<Windowed<TKey>> SessionWindowed<TKey>(Serde<TKey> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new SessionWindowedSerde<TKey>(inner);
    }
}

/// <summary>Kafka's WindowKeySchema for time windows: key bytes + start (the changelog layout without a sequence, <see cref="ChangelogKeys"/>).</summary>
internal sealed class TimeWindowedSerde<TKey>(Serde<TKey> inner, long windowSizeMs) : WrapperSerde<Windowed<TKey>>
{
    public override string Name => $"TimeWindowed<{inner.Name}>";

    public override bool WritesHeaders => inner.WritesHeaders;

    protected override byte[] Write(Windowed<TKey> value, SerdeContext? context) =>
        ChangelogKeys.Window(inner.SerializeWith(value.Key, context), value.Window.Start, sequence: null);

    protected override Windowed<TKey> Read(ReadOnlySpan<byte> data, SerdeContext? context)
    {
        if (data.Length < 8) throw new SerializationException($"A time-windowed key needs at least 8 bytes, got {data.Length}.");
        long start = BinaryPrimitives.ReadInt64BigEndian(data[^8..]);
        // As Kafka: an end beyond long.MaxValue is clamped.
        long end = start > long.MaxValue - windowSizeMs ? long.MaxValue : start + windowSizeMs;
        return new Windowed<TKey>(inner.DeserializeWith(data[..^8], context), new Window(start, end));
    }
}

/// <summary>Kafka's SessionKeySchema: key bytes + end + start (the session changelog layout, <see cref="ChangelogKeys"/>).</summary>
internal sealed class SessionWindowedSerde<TKey>(Serde<TKey> inner) : WrapperSerde<Windowed<TKey>>
{
    public override string Name => $"SessionWindowed<{inner.Name}>";

    public override bool WritesHeaders => inner.WritesHeaders;

    protected override byte[] Write(Windowed<TKey> value, SerdeContext? context) =>
        ChangelogKeys.Session(inner.SerializeWith(value.Key, context), value.Window.Start, value.Window.End);

    protected override Windowed<TKey> Read(ReadOnlySpan<byte> data, SerdeContext? context)
    {
        if (data.Length < 16) throw new SerializationException($"A session-windowed key needs at least 16 bytes, got {data.Length}.");
        long end = BinaryPrimitives.ReadInt64BigEndian(data[^16..^8]);
        long start = BinaryPrimitives.ReadInt64BigEndian(data[^8..]);
        return new Windowed<TKey>(inner.DeserializeWith(data[..^16], context), new Window(start, end));
    }
}
