using Braid.Serialization;

namespace Braid;

/// <summary>How a source topic is read: serdes and an optional processor name.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record Consumed<TKey, TValue>
{
    /// <summary>Key serde; the type's default when null.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde; the type's default when null.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>Name of the source processor; generated when null.</summary>
    public string? Name { get; init; }
}

/// <summary>Factory helpers for <see cref="Consumed{TKey,TValue}"/>.</summary>
public static class Consumed
{
    /// <summary>Reads with these serdes.</summary>
    /// <param name="keySerde">Key serde.</param>
    /// <param name="valueSerde">Value serde.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Consumed<TKey, TValue> With<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde };
}

/// <summary>How records are written to a topic: serdes and an optional processor name.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record Produced<TKey, TValue>
{
    /// <summary>Key serde; the type's default when null.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde; the type's default when null.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>Name of the sink processor; generated when null.</summary>
    public string? Name { get; init; }
}

/// <summary>Factory helpers for <see cref="Produced{TKey,TValue}"/>.</summary>
public static class Produced
{
    /// <summary>Writes with these serdes.</summary>
    /// <param name="keySerde">Key serde.</param>
    /// <param name="valueSerde">Value serde.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Produced<TKey, TValue> With<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde };
}

/// <summary>How a table or aggregate is stored: store name, serdes, logging.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record Materialized<TKey, TValue>
{
    /// <summary>The store name (queryable under this name); generated when null.</summary>
    public string? StoreName { get; init; }

    /// <summary>Key serde; the stream's or the type's default when null.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde; the stream's or the type's default when null.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>Whether the store is backed by a changelog (default true).</summary>
    public bool LoggingEnabled { get; init; } = true;

    /// <summary>Keep the store in memory even on hosts whose default is persistent.</summary>
    public bool InMemory { get; init; }

    /// <summary>
    /// Keep a versioned store with this much history (KIP-914), so lookups can ask for the value in
    /// force at a past timestamp. Null: an ordinary latest-value store.
    /// </summary>
    public TimeSpan? VersionedHistoryRetention { get; init; }

    /// <summary>
    /// For windowed aggregations: how long windows (sessions) are kept in the store, in stream time. Must be at
    /// least what the windows need, which is also the default when null: size + grace (time windows),
    /// 2 × time difference + grace (sliding windows), inactivity gap + grace (sessions).
    /// </summary>
    public TimeSpan? Retention { get; init; }
}

/// <summary>Factory helpers for <see cref="Materialized{TKey,TValue}"/>.</summary>
public static class Materialized
{
    /// <summary>Materializes under this store name.</summary>
    /// <param name="storeName">The store name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Materialized<TKey, TValue> As<TKey, TValue>(string storeName) => new() { StoreName = storeName };

    /// <summary>Materializes with these serdes under a generated name.</summary>
    /// <param name="keySerde">Key serde.</param>
    /// <param name="valueSerde">Value serde.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Materialized<TKey, TValue> With<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde };
}

/// <summary>Serdes and a name for the repartition step of a grouping.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record Grouped<TKey, TValue>
{
    /// <summary>Key serde for the repartition topic.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde for the repartition topic.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>Base name of the repartition topic and processors.</summary>
    public string? Name { get; init; }
}

/// <summary>Factory methods for <see cref="Grouped{TKey, TValue}"/>, as Kafka Streams' <c>Grouped.with</c> and <c>Grouped.as</c>.</summary>
public static class Grouped
{
    /// <summary>Groups with these serdes for the repartition topic.</summary>
    /// <param name="keySerde">Key serde.</param>
    /// <param name="valueSerde">Value serde.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Grouped<TKey, TValue> With<TKey, TValue>(Serde<TKey> keySerde, Serde<TValue> valueSerde) =>
        new() { KeySerde = keySerde, ValueSerde = valueSerde };

    /// <summary>Groups with this base name for the repartition topic and processors.</summary>
    /// <param name="name">The base name.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The options.</returns>
    public static Grouped<TKey, TValue> As<TKey, TValue>(string name) => new() { Name = name };
}

/// <summary>Serdes, a name and a partition count for an explicit repartition.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed record Repartitioned<TKey, TValue>
{
    /// <summary>Key serde for the repartition topic.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Value serde for the repartition topic.</summary>
    public Serde<TValue>? ValueSerde { get; init; }

    /// <summary>Base name of the repartition topic.</summary>
    public string? Name { get; init; }

    /// <summary>Partition count of the repartition topic (hosts that partition honour it); null = same as the input.</summary>
    public int? NumberOfPartitions { get; init; }
}

/// <summary>Serdes and options of a stream–table or stream–stream join.</summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TLeft">Left (stream) value type.</typeparam>
/// <typeparam name="TRight">Right value type.</typeparam>
public sealed record Joined<TKey, TLeft, TRight>
{
    /// <summary>Key serde (for a repartition before the join, and the join's stores).</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>Left value serde.</summary>
    public Serde<TLeft>? LeftValueSerde { get; init; }

    /// <summary>Right value serde.</summary>
    public Serde<TRight>? RightValueSerde { get; init; }

    /// <summary>Base name of the join's processors.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Stream–table grace (KIP-923): hold stream records this long in event time so late table updates
    /// are still seen. Needs a versioned table. Null: join at once.
    /// </summary>
    public TimeSpan? GracePeriod { get; init; }
}
