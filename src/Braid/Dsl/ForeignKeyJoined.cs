namespace Braid;

/// <summary>Options of a foreign-key table–table join: a base name for its internal topics and processors, and how its result is stored.</summary>
/// <typeparam name="TKey">Key type of the left table (and of the result).</typeparam>
/// <typeparam name="TResult">Result value type.</typeparam>
public sealed record ForeignKeyJoined<TKey, TResult>
{
    /// <summary>
    /// Base name of the join's internal topics ("NAME-subscription-registration-topic",
    /// "NAME-subscription-response-topic") and processors; generated when null. Name it in production so
    /// that the internal topics keep their names when the topology changes.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>Store name and serdes of the result table (the result is always stored; this names it).</summary>
    public Materialized<TKey, TResult>? Materialized { get; init; }
}
