using Braid.Internal.State;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.State;

/// <summary>Chooses the state backend of an application.</summary>
internal static class StateBackends
{
    public static IStateBackend Create(string directory, BraidApplicationOptions options) =>
        new JournalStateBackend(directory, options.Durability == Durability.PowerLoss,
            options.Streams.LoggerFactory.CreateLogger("Braid.Embedded.State"));
}
