using System.Buffers.Binary;
using System.Globalization;
using Braid.Processors;

namespace Braid.Internal.Runtime;

/// <summary>
/// The one encoding of what a commit records next to a task's state, for every host: names of the metadata
/// entries (input offsets, stream time, high-water marks of written partitions) and their value encoding
/// (a big-endian long). The names are on disk in existing state directories: never change them.
/// </summary>
internal static class CommitMetadata
{
    /// <summary>The next input offset a task will process from one input partition.</summary>
    public static string InputOffset(TaskId task, string topic, int partition) => $"offset/{Task(task)}/{topic}/{partition.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The task's stream time (largest input timestamp processed).</summary>
    public static string StreamTime(TaskId task) => $"streamtime/{Task(task)}";

    /// <summary>An operator's own stream time (<see cref="TaskContext.NodeStreamTime"/>), under the task's.</summary>
    public static string NodeStreamTime(TaskId task, string node) => $"streamtime/{Task(task)}/{node}";

    /// <summary>The committed high-water mark of a partition the application writes: readers see offsets below it.</summary>
    public static string HighWatermark(string topic, int partition) => $"hwm/{topic}/{partition.ToString(CultureInfo.InvariantCulture)}";

    public static byte[] Encode(long value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        return b;
    }

    /// <summary>The stored long, or null when the entry is absent (never 0 for "absent").</summary>
    public static long? Decode(byte[]? value)
    {
        if (value is null) return null;
        if (value.Length != 8) throw new StreamsException($"A commit metadata entry has {value.Length} bytes, not 8: the state is damaged.");
        return BinaryPrimitives.ReadInt64BigEndian(value);
    }

    private static string Task(TaskId t) => t.Subtopology.ToString(CultureInfo.InvariantCulture) + "_" + t.Partition.ToString(CultureInfo.InvariantCulture);
}
