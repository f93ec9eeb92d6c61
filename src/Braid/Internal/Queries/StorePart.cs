namespace Braid.Internal.Queries;

/// <summary>
/// One partition of a store as a query reads it: the store object, the lock its writer holds while it writes (the
/// stream thread's query lock; null for views that are safe to read from any thread), and whether it is still open
/// (checked under that lock: a task closed by a rebalance between resolving and reading answers as migrated).
/// <see cref="Stopping"/> (read without the lock) says the writer is going away: a stopping thread may hold its lock for
/// long while it disposes its clients (a killed instance), and a query then answers as migrated instead of waiting.
/// </summary>
internal sealed record StorePart(string Name, object Store, object? Lock, Func<bool>? IsOpen, Func<bool>? Stopping = null)
{
    /// <summary>Runs a read of this part under its lock; results must be materialized inside <paramref name="read"/>.</summary>
    public TResult Read<TStore, TResult>(Func<TStore, TResult> read)
    {
        if (Lock is null) return ReadOpen(read);
        while (!Monitor.TryEnter(Lock, 100))
        {
            if (Stopping?.Invoke() == true) throw StoreQueryRules.Closed(Name);
        }
        try
        {
            return ReadOpen(read);
        }
        finally
        {
            Monitor.Exit(Lock);
        }
    }

    private TResult ReadOpen<TStore, TResult>(Func<TStore, TResult> read)
    {
        if (IsOpen is { } open && !open()) throw StoreQueryRules.Closed(Name);
        return read((TStore)Store);
    }
}
