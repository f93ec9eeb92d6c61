using System.Buffers;
using System.Text.Json;

namespace Braid.Serialization;

/// <summary>
/// A value's JSON without an array of its own (<see cref="SerializeToSpan"/>): for a caller that copies the bytes at once
/// (a RocksDB commit putting a Collect member entry into its write batch). <see cref="Serialize"/> returns a new array per
/// value — <c>SerializeToUtf8Bytes</c> writes into a pooled buffer and copies it out — and a timeline commit made one per
/// member put (issue 19, s19-tlr: the member store's JSON arrays were the largest share of the RocksDB timeline's
/// allocation). Here the writer and its buffer are the calling thread's, reused: the same writer options as
/// <c>SerializeToUtf8Bytes</c> (System.Text.Json's <c>JsonSerializerOptions.GetWriterOptions</c>), so the same bytes.
/// </summary>
internal sealed partial class JsonSerde<T>
{
    /// <summary>A thread's buffer above this is dropped after use: one large value must not stay pinned per thread.</summary>
    internal const int MaxKeptBytes = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_output;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static JsonSerde<T>? t_owner; // whose options t_writer was made with
    [ThreadStatic] private static bool t_busy; // a converter serializing through this serde again on the same thread

    /// <summary>
    /// The bytes <see cref="Serialize"/> would return, in this thread's buffer: valid until the thread's next call of this
    /// method for <typeparamref name="T"/>; copy them before. Errors as <see cref="Serialize"/>.
    /// </summary>
    internal ReadOnlySpan<byte> SerializeToSpan(T value)
    {
        if (t_busy) return Serialize(value); // re-entered from inside a write: the thread's buffer is in use
        var output = t_output ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null || !ReferenceEquals(t_owner, this))
        {
            t_writer = writer = new Utf8JsonWriter(output, WriterOptions());
            t_owner = this;
        }
        else writer.Reset(output);
        t_busy = true;
        try
        {
            JsonSerializer.Serialize(writer, value, _options);
            writer.Flush();
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            t_writer = null; // a failed write may leave the writer mid-value: the next call starts a new one
            throw WriteFailed(e);
        }
        finally
        {
            t_busy = false;
        }
        if (output.Capacity <= MaxKeptBytes) return output.WrittenSpan;
        // Above the bound: hand out a copy and drop the thread's buffer (and the writer that points at it).
        var copy = output.WrittenSpan.ToArray();
        (t_output, t_writer, t_owner) = (null, null, null);
        return copy;
    }

    // System.Text.Json's JsonSerializerOptions.GetWriterOptions (what SerializeToUtf8Bytes writes with); validation does not change the bytes.
    private JsonWriterOptions WriterOptions() => new()
    {
        Encoder = _options.Encoder,
        Indented = _options.WriteIndented,
        IndentCharacter = _options.IndentCharacter,
        IndentSize = _options.IndentSize,
        MaxDepth = _options.MaxDepth == 0 ? 64 : _options.MaxDepth,
        NewLine = _options.NewLine,
        SkipValidation = true,
    };
}
