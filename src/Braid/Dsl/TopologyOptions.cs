namespace Braid;

/// <summary>Options for building a topology (Kafka's TopologyConfig), given to <see cref="StreamsBuilder(TopologyOptions)"/>.</summary>
public sealed record TopologyOptions
{
    /// <summary>
    /// KIP-1111 (Kafka's <c>ensure.explicit.internal.resource.naming</c>): when true, <see cref="StreamsBuilder.Build"/>
    /// throws a <see cref="TopologyException"/> listing every state store, changelog topic and internal
    /// (repartition or foreign-key) topic whose name was generated. Generated names carry an index that moves
    /// when an operator is added upstream, so the Kafka host's changelog and repartition topics would change
    /// name and state would be lost; name them with <c>Materialized.As</c>, <c>Grouped.Name</c>,
    /// <c>Repartitioned.Name</c>, <c>StreamJoined.StoreName</c> and <c>ForeignKeyJoined.Name</c>. Default false.
    /// </summary>
    public bool EnsureExplicitInternalResourceNaming { get; init; }
}
