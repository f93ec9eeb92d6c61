namespace Braid.Internal.State;

/// <summary>
/// Which factory builds each store of a task — the host's decision, made once when the task is built (never
/// patched into a built task): stores declared <see cref="Braid.State.StoreBuilder.InMemory"/> use
/// <see cref="InMemory"/>, the others <see cref="Durable"/>. The driver uses in-memory for both; the embedded
/// host RocksDB for durable stores; the Kafka host wraps both in changelogging factories.
/// </summary>
internal sealed class StorePolicy(IStoreFactory durable, IStoreFactory inMemory)
{
    /// <summary>Every store in memory (the test driver).</summary>
    public static readonly StorePolicy AllInMemory = new(InMemoryStoreFactory.Instance, InMemoryStoreFactory.Instance);

    public IStoreFactory Durable { get; } = durable;

    public IStoreFactory InMemory { get; } = inMemory;

    /// <summary>Durable stores from <paramref name="durable"/>, in-memory ones in plain memory.</summary>
    public static StorePolicy WithDurable(IStoreFactory durable) => new(durable, InMemoryStoreFactory.Instance);

    public IStoreFactory For(Braid.State.StoreBuilder builder) => builder.InMemory ? InMemory : Durable;
}
