using Confluent.Kafka;

namespace Braid.Kafka.Internal.State;

/// <summary>
/// A standby's in-memory stores handed to the stream thread promoting it, with the next changelog offset each store's
/// partition was applied up to: the active task's restore starts there (<see cref="TaskManager"/>). In-memory stores have
/// no checkpoint file: this hand-over lives only in memory, and a restarted instance restores them from the changelog's start.
/// </summary>
internal sealed record InMemoryHandOver(KeptInMemoryStores Stores, IReadOnlyDictionary<TopicPartition, long> Positions);
