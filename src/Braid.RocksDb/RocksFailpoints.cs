namespace Braid.RocksDb;

/// <summary>Failpoints of the RocksDB state backend's commit (<see cref="Braid.Internal.Faults.Failpoints"/>).</summary>
internal static class RocksFailpoints
{
    /// <summary>Commit: the stores' pre-commit hooks ran (a join's held records are pending writes now); nothing of
    /// the batch is written yet.</summary>
    public const string AfterPreCommit = "rocksdb.commit.after-pre-commit";
}
