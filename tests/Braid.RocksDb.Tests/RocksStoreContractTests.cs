using Braid.Serialization;
using Braid.State;
using Braid.Tests.State;
using Braid.Tests.StreamStream;
using Braid.Tests.Versioned;

namespace Braid.RocksDb.Tests;

// The shared store contracts, run against the RocksDB stores (writes pending, as a task sees them).

public sealed class RocksKeyValueStoreContractTests : KeyValueStoreContractTests, IDisposable
{
    private readonly SharedBackend _shared = new();

    protected override IKeyValueStore<string, string> CreateStore(string name) =>
        _shared.NewTask().Stores.CreateKeyValueStore(Stores.KeyValue(name, Serdes.String, Serdes.String));

    public void Dispose() => _shared.Dispose();
}

public sealed class RocksWindowStoreContractTests : WindowStoreContractTests, IDisposable
{
    private readonly SharedBackend _shared = new();

    protected override IWindowStore<string, string> Create(long retentionMs, bool retainDuplicates) =>
        _shared.NewTask().Stores.CreateWindowStore(
            new WindowStoreBuilder<string, string>("w", TimeSpan.FromMilliseconds(retentionMs), retainDuplicates, Serdes.String, Serdes.String));

    public void Dispose() => _shared.Dispose();
}

public sealed class RocksVersionedStoreContractTests : VersionedKeyValueStoreContract, IDisposable
{
    private readonly SharedBackend _shared = new();

    protected override IVersionedKeyValueStore<string, string> CreateStore(TimeSpan historyRetention) =>
        _shared.NewTask().Stores.CreateVersionedKeyValueStore(
            new VersionedStoreBuilder<string, string>("versioned", historyRetention, Serdes.String, Serdes.String));

    public void Dispose() => _shared.Dispose();
}
