using Braid.Internal.State;
using Braid.RocksDb;

namespace Braid.Embedded.State;

/// <summary>Chooses the state backend of an application: RocksDB, unless the options carry another backend's factory (tests).</summary>
internal static class StateBackends
{
    public static IStateBackend Create(string directory, BraidApplicationOptions options) =>
        options.StateBackendFactory?.Invoke(directory)
        ?? RocksDbStateBackend.Open(directory, new RocksDbStateOptions
        {
            Durability = options.Durability == Durability.PowerLoss ? RocksDbDurability.PowerLoss : RocksDbDurability.ProcessCrash,
        });
}
