namespace Braid.Kafka;

/// <summary>Where the state for one key lives: the partition it maps to and the instance whose task holds it.</summary>
/// <param name="Partition">The partition of the key (Kafka's murmur2 over the store's sub-topology partition count).</param>
/// <param name="Task">The task id ("subtopology_partition", as Kafka Streams names tasks).</param>
/// <param name="ActiveHost">The <see cref="KafkaStreamsOptions.ApplicationServer"/> of the instance running the task,
/// or null while no instance has announced it (during a rebalance).</param>
public sealed record KeyQueryMetadata(int Partition, string Task, string? ActiveHost)
{
    /// <summary>Instances keeping a standby replica of the task (Kafka Streams' <c>KeyQueryMetadata.standbyHosts</c>): they
    /// answer queries with <see cref="Braid.State.StoreQueryParameters.EnableStaleStores"/>, possibly lagging. Empty without standbys.</summary>
    public IReadOnlyList<string> StandbyHosts { get; init; } = [];

    /// <summary>Equal when partition, task, active host and the standby hosts (in order) are equal: metadata is a value.</summary>
    /// <param name="other">The other metadata.</param>
    /// <returns>Whether both describe the same placement.</returns>
    public bool Equals(KeyQueryMetadata? other) =>
        other is not null && Partition == other.Partition && Task == other.Task && ActiveHost == other.ActiveHost
        && StandbyHosts.SequenceEqual(other.StandbyHosts);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Partition, Task, ActiveHost, StandbyHosts.Count);
}

/// <summary>One running instance of the application and the tasks it runs.</summary>
/// <param name="Host">Its <see cref="KafkaStreamsOptions.ApplicationServer"/> (or generated instance id).</param>
/// <param name="Tasks">Its active tasks ("subtopology_partition").</param>
public sealed record StreamsInstanceMetadata(string Host, IReadOnlyList<string> Tasks)
{
    /// <summary>Its standby tasks (warm copies of other instances' tasks); empty without standbys.</summary>
    public IReadOnlyList<string> StandbyTasks { get; init; } = [];
}
