namespace Braid.Internal.Queries;

/// <summary>
/// One partition of a store as a query reads it: the store object, the lock its writer holds while it writes (the
/// stream thread's query lock; null for views that are safe to read from any thread), and whether it is still open
/// (checked under that lock: a task closed by a rebalance between resolving and reading answers as migrated).
/// </summary>
internal sealed record StorePart(string Name, object Store, object? Lock, Func<bool>? IsOpen)
{
    /// <summary>Runs a read of this part under its lock; results must be materialized inside <paramref name="read"/>.</summary>
    public TResult Read<TStore, TResult>(Func<TStore, TResult> read)
    {
        if (Lock is null) return ReadOpen(read);
        lock (Lock) return ReadOpen(read);
    }

    private TResult ReadOpen<TStore, TResult>(Func<TStore, TResult> read)
    {
        if (IsOpen is { } open && !open()) throw StoreQueryRules.Closed(Name);
        return read((TStore)Store);
    }
}
