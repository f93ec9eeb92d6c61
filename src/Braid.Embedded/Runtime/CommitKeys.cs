using System.Buffers.Binary;
using System.Globalization;
using Braid.Processors;

namespace Braid.Embedded.Runtime;

/// <summary>Names of the host metadata entries a commit writes into the state backend, next to the state.</summary>
internal static class CommitKeys
{
    /// <summary>The next input offset a task will process from one input partition.</summary>
    public static string InputOffset(TaskId task, string topic, int partition) => $"offset/{Task(task)}/{topic}/{partition.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The task's stream time (largest input timestamp processed).</summary>
    public static string StreamTime(TaskId task) => $"streamtime/{Task(task)}";

    /// <summary>The committed high-water mark of a partition the application writes: readers see offsets below it.</summary>
    public static string HighWatermark(string topic, int partition) => $"hwm/{topic}/{partition.ToString(CultureInfo.InvariantCulture)}";

    public static byte[] Encode(long value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        return b;
    }

    public static long? Decode(byte[]? value) => value is null ? null : BinaryPrimitives.ReadInt64BigEndian(value);

    private static string Task(TaskId t) => t.Subtopology.ToString(CultureInfo.InvariantCulture) + "_" + t.Partition.ToString(CultureInfo.InvariantCulture);
}
