using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Braid.RocksDb;

/// <summary>
/// Serializes a store's values for a commit's write batch. <see cref="Serde{T}.Serialize(T)"/> returns a new array per
/// value, and RocksDB copies the bytes into the batch at once, so for Braid's own string serde and the timestamped
/// layout over it (<see cref="Serdes.String"/>, <c>ValueAndTimestampSerde&lt;string&gt;</c>: every <c>Consumed.With(Serdes.String,
/// …)</c> table) the bytes are written into one buffer reused for the store's life instead: UTF-8 of the string, after
/// the 8-byte big-endian timestamp for the timestamped layout — byte for byte what those serdes return (the same
/// encoder, <see cref="Encoding.UTF8"/>). Any other serde is called as before. A user serde cannot take this path:
/// <c>Serde&lt;T&gt;</c> has no span-writing member, and adding one to the public API for the commit alone is not worth
/// it while the built-in serdes carry the benchmark's and the samples' tables (issue 19, session 12, s12-rocks).
/// Serdes that can write into a buffer (<see cref="IBufferedSerde{T}"/>: Collect's member pages) write into the same one,
/// and a Collect's result store goes through a <see cref="CollectedListWriter{TItem}"/> (issue 19, s13-rkv: the RocksDB
/// timeline's commits allocated ~14 KB of arrays per touched view and ~4 KB per touched page).
/// Not thread-safe: one per store, used by the committing thread; the span is valid until the next call.
/// </summary>
internal sealed class CommitValueWriter<T>
{
    private enum Layout { Serde, Utf8, TimestampedUtf8, Buffered }

    private readonly Serde<T> _serde;
    private readonly Layout _layout;
    private readonly IBufferedSerde<T>? _buffered;
    private readonly Action? _beginCommit;
    /// <summary>The largest buffer kept between values.</summary>
    internal const int MaxKeptBytes = 64 * 1024;

    private byte[] _buffer = [];

    public CommitValueWriter(Serde<T> serde)
    {
        _serde = serde;
        _layout = serde switch
        {
            _ when typeof(T) == typeof(string) && ReferenceEquals(serde, Serdes.String) => Layout.Utf8,
            ValueAndTimestampSerde<string> { Inner: var inner } when ReferenceEquals(inner, Serdes.String) => Layout.TimestampedUtf8,
            IBufferedSerde<T> => Layout.Buffered,
            _ => Layout.Serde,
        };
        if (_layout == Layout.Buffered) _buffered = (IBufferedSerde<T>)serde;
        else if (_layout == Layout.Serde && CollectedList(serde) is { } list)
        {
            (_layout, _buffered) = (Layout.Buffered, (IBufferedSerde<T>)list);
            _beginCommit = (Action)Delegate.CreateDelegate(typeof(Action), list, nameof(CollectedListWriter<int>.BeginCommit));
        }
    }

    /// <summary>
    /// A <see cref="CollectedListWriter{TItem}"/> when <typeparamref name="T"/> is <c>ValueAndTimestamp&lt;IReadOnlyList&lt;TItem&gt;&gt;</c>
    /// and the serde a Collect's, else null. Built by reflection once per store: the item type is only known here as part of T.
    /// </summary>
    private static object? CollectedList(Serde<T> serde)
    {
        var t = typeof(T);
        if (!t.IsGenericType || t.GetGenericTypeDefinition() != typeof(ValueAndTimestamp<>)) return null;
        var list = t.GetGenericArguments()[0];
        if (!list.IsGenericType || list.GetGenericTypeDefinition() != typeof(IReadOnlyList<>)) return null;
        var writer = typeof(CollectedListWriter<>).MakeGenericType(list.GetGenericArguments()[0]);
        return writer.GetMethod(nameof(CollectedListWriter<int>.TryCreate))!.Invoke(null, [serde]);
    }

    /// <summary>Called before a commit's values are written (a collected list's writer keeps item bytes for one commit).</summary>
    public void BeginCommit() => _beginCommit?.Invoke();

    /// <summary>Whether values go through the reused buffer (tests).</summary>
    internal bool Reuses => _layout != Layout.Serde;

    /// <summary>The value's bytes, as the store's serde would return them.</summary>
    public ReadOnlySpan<byte> Write(T value)
    {
        switch (_layout)
        {
            case Layout.Utf8:
                return WriteUtf8(Unsafe.As<T, string>(ref value), 0);
            case Layout.TimestampedUtf8:
                {
                    var timestamped = Unsafe.As<T, ValueAndTimestamp<string>>(ref value);
                    // The serde is handed non-null values only; a null inside a timestamped value fails as the serde would.
                    ArgumentNullException.ThrowIfNull(timestamped.Value);
                    var bytes = WriteUtf8(timestamped.Value, 8);
                    BinaryPrimitives.WriteInt64BigEndian(bytes, timestamped.Timestamp);
                    return bytes;
                }
            case Layout.Buffered:
                {
                    var bytes = _buffered!.Serialize(value, ref _buffer);
                    // A value above the bound was written into an array of its own (or grew the buffer): not kept.
                    if (_buffer.Length > MaxKeptBytes) _buffer = [];
                    return bytes;
                }
            default:
                return _serde.Serialize(value);
        }
    }

    /// <summary>
    /// The buffer from 0: <paramref name="offset"/> bytes left for the caller, then the string's UTF-8. A value whose
    /// worst case exceeds <see cref="MaxKeptBytes"/> gets an array of its own, not kept: one large value must not pin
    /// three times its length per store for the store's life (review, s12-rocks).
    /// </summary>
    private Span<byte> WriteUtf8(string text, int offset)
    {
        int max = offset + Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] target;
        if (max > MaxKeptBytes) target = new byte[offset + Encoding.UTF8.GetByteCount(text)];
        else
        {
            if (_buffer.Length < max) _buffer = new byte[Math.Min(MaxKeptBytes, Math.Max(max, Math.Max(64, _buffer.Length * 2)))];
            target = _buffer;
        }
        int written = Encoding.UTF8.GetBytes(text, target.AsSpan(offset));
        return target.AsSpan(0, offset + written);
    }
}
