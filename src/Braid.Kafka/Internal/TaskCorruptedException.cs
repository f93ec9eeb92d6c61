using Braid.Processors;

namespace Braid.Kafka.Internal;

/// <summary>
/// A task's local state cannot be used (its checkpoint does not fit its changelog): the task manager wipes it and
/// restores the task from scratch (Kafka's TaskCorruptedException). Never leaves the stream thread.
/// </summary>
internal sealed class TaskCorruptedException(TaskId task, string reason) : Exception(reason)
{
    public TaskId Task { get; } = task;
}
