namespace Braid.RocksDb;

/// <summary>What a committed state change must survive.</summary>
public enum RocksDbDurability
{
    /// <summary>
    /// A commit survives a crash of the process (kill -9, an unhandled exception): it is in RocksDB's
    /// write-ahead log, which the operating system writes out even if the process dies. A power loss or
    /// kernel crash may lose the last commits (never part of one). This is the default: it costs no fsync.
    /// </summary>
    ProcessCrash,

    /// <summary>
    /// A commit survives a power loss: every commit waits for an fsync of the write-ahead log.
    /// Expect a few thousand commits per second at most; batch more records per commit.
    /// </summary>
    PowerLoss,
}

/// <summary>Settings of the RocksDB state backend.</summary>
public sealed record RocksDbStateOptions
{
    /// <summary>What a commit must survive (default <see cref="RocksDbDurability.ProcessCrash"/>).</summary>
    public RocksDbDurability Durability { get; init; } = RocksDbDurability.ProcessCrash;

    /// <summary>
    /// How many deserialized entries each store keeps in memory in front of RocksDB (default 65,536).
    /// Reads of cached keys cost a dictionary lookup instead of a RocksDB read and a deserialization.
    /// A join's subscription or index store also keeps up to this many entries as whole groups, so the prefix scan
    /// of a right-table update is answered from memory.
    /// Zero disables the cache.
    /// </summary>
    public int CacheEntriesPerStore { get; init; } = 65_536;

    /// <summary>Memory for RocksDB write buffers (memtables), shared by all stores (default 64 MiB).</summary>
    public long WriteBufferBytes { get; init; } = 64L << 20;

    internal void Validate()
    {
        if (!Enum.IsDefined(Durability))
            throw new ConfigException(nameof(Durability), $"unknown durability {Durability}.");
        if (CacheEntriesPerStore < 0)
            throw new ConfigException(nameof(CacheEntriesPerStore), $"must not be negative (got {CacheEntriesPerStore}).");
        if (WriteBufferBytes < 1L << 20)
            throw new ConfigException(nameof(WriteBufferBytes), $"must be at least 1 MiB (got {WriteBufferBytes}).");
    }
}
