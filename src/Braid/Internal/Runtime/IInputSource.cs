namespace Braid.Internal.Runtime;

/// <summary>
/// Host SPI — where a task's input records come from. A pulling host (the embedded runtime reading local logs)
/// fetches in <see cref="Fetch"/>; a pushing host (a Kafka consumer's poll) hands records to
/// <see cref="RuntimeTask.AddRecords"/> and may do nothing here. <see cref="IsCaughtUp"/> feeds the
/// <c>max.task.idle.ms</c> rule (Kafka's fetched lag = 0).
/// </summary>
internal interface IInputSource
{
    /// <summary>Tops up the task's input buffers (from its next fetch offsets); called before each batch.</summary>
    void Fetch(RuntimeTask task);

    /// <summary>Whether the host knows input <paramref name="input"/> has nothing more to fetch right now.</summary>
    bool IsCaughtUp(int input);
}
