namespace Braid.Embedded;

/// <summary>
/// A local log holds a record that fails its checksum where a torn write cannot explain it (in the
/// middle of a log, or below the committed end). Braid never skips such data silently.
/// </summary>
/// <param name="filePath">The segment file.</param>
/// <param name="position">The byte position of the bad record.</param>
/// <param name="detail">What was found.</param>
public sealed class CorruptLogException(string filePath, long position, string detail)
    : StreamsException($"Corrupt log segment {filePath} at byte {position}: {detail}")
{

    internal CorruptLogException(string filePath, long position, string detail, string topic, int partition)
        : this(filePath, position, detail)
    {
        Topic = topic;
        Partition = partition;
    }

    /// <summary>The topic of the damaged log, when known.</summary>
    public string? Topic { get; }

    /// <summary>The partition of the damaged log, when known.</summary>
    public int? Partition { get; }

    /// <summary>The segment file.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>The byte position of the bad record.</summary>
    public long Position { get; } = position;
}
