namespace Braid.Internal.Runtime;

/// <summary>
/// Host SPI — makes a set of tasks' work durable atomically: their state, their input positions and stream
/// times (<see cref="RuntimeTask.AddCommitMetadata"/>), and the output they produced. The embedded host
/// appends output to local logs and writes state + metadata + high-water marks in one RocksDB batch; a Kafka
/// host flushes its producer and commits offsets (or a transaction with offsets and changelog writes).
/// On success it must call <see cref="RuntimeTask.MarkCommitted"/> on each task. On failure it throws, and
/// nothing of this commit may become visible to readers or to another commit.
/// </summary>
internal interface ICommitSink<in TTask> where TTask : IHostedTask
{
    void Commit(IReadOnlyList<TTask> tasks);
}
