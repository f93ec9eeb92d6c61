using Braid.Internal.State;
using Braid.RocksDb;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.State;

/// <summary>Chooses the state backend of an application: RocksDB, or the journal backend (no native code; small state).</summary>
internal static class StateBackends
{
    public static IStateBackend Create(string directory, BraidApplicationOptions options) =>
        options.UseJournalStateBackend
            ? new JournalStateBackend(directory, options.Durability == Durability.PowerLoss, options.Streams.LoggerFactory.CreateLogger("Braid.Embedded.State"))
            : RocksDbStateBackend.Open(directory, new RocksDbStateOptions
            {
                Durability = options.Durability == Durability.PowerLoss ? RocksDbDurability.PowerLoss : RocksDbDurability.ProcessCrash,
            });
}
