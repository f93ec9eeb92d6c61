using Braid.Internal;
using Braid.Internal.State;
using Braid.RocksDb;

namespace Braid.Embedded.State;

/// <summary>Chooses the state backend of an application: RocksDB, unless the options carry another backend's factory (tests).</summary>
internal static class StateBackends
{
    /// <param name="directory">The application's state directory.</param>
    /// <param name="options">The application's options.</param>
    /// <param name="model">The topology: its durable stores' column families are created by the database's open, not one
    /// by one when each task first opens its stores (issue 19, session 14: two families cost a stream–stream pass's start
    /// 20–50 ms, see <c>RocksDatabase.StoreFamily</c>).</param>
    public static IStateBackend Create(string directory, BraidApplicationOptions options, TopologyModel model) =>
        options.StateBackendFactory?.Invoke(directory)
        ?? RocksDbStateBackend.Open(directory, new RocksDbStateOptions
        {
            Durability = options.Durability == Durability.PowerLoss ? RocksDbDurability.PowerLoss : RocksDbDurability.ProcessCrash,
        }, DurableStoreNames(model));

    /// <summary>The stores the RocksDB backend will hold (in-memory ones never reach it).</summary>
    internal static IEnumerable<string> DurableStoreNames(TopologyModel model) => model.DurableStoreNames;
}
