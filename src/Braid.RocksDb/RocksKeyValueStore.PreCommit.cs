using Braid.Internal.State;

namespace Braid.RocksDb;

/// <summary>The pre-commit hook of a key–value store (<see cref="IPreCommit"/>): run by the task state before any of its
/// stores writes its pending writes, so what the hook writes joins the same batch.</summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue> : ICommittable, IPreCommitStore
{
    private IPreCommit? _preCommit;

    public int DeferredEntries => _entries.Capacity;

    public void AddPreCommit(IPreCommit hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfReadOnly();
        if (_preCommit is not null && !ReferenceEquals(_preCommit, hook))
            throw new InvalidOperationException($"Store {Name} already has a pre-commit hook.");
        _preCommit = hook;
    }

    /// <summary>Runs the hook, if any (a store built again for a rebuilt task is a new instance: the old hook goes with the old store).</summary>
    public void BeforeCommit() => _preCommit?.PreCommit();
}
