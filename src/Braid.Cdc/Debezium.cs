using System.Text.Json;
using Braid.Serialization;

namespace Braid.Cdc;

/// <summary>How <see cref="Debezium.Table{TKey,TValue}"/> reads a Debezium topic.</summary>
/// <typeparam name="TKey">The primary-key type.</typeparam>
/// <typeparam name="TValue">The row type.</typeparam>
public sealed record DebeziumTableOptions<TKey, TValue>
{
    /// <summary>The key serde; <see cref="DebeziumSerdes.Key{T}"/> (Debezium's JSON key) when null.</summary>
    public Serde<TKey>? KeySerde { get; init; }

    /// <summary>JSON options for rows and keys; <see cref="DebeziumSerdes.DefaultJsonOptions"/> when null.</summary>
    public JsonSerializerOptions? JsonOptions { get; init; }

    /// <summary>Which time stamps each table update; the source commit time by default.</summary>
    public ChangeTimestamp Timestamp { get; init; } = ChangeTimestamp.SourceCommit;

    /// <summary>Store name and serdes of the table; when null the store is named after the topic and rows are stored as JSON.</summary>
    public Materialized<TKey, TValue>? Materialized { get; init; }
}

/// <summary>Tables fed by Debezium change events.</summary>
public static class Debezium
{
    /// <summary>
    /// A table equal to the source table whose Debezium change events are in <paramref name="topic"/>:
    /// creates, updates and snapshot reads put the row, deletes and tombstones remove it, keyed by the
    /// message key (the row's primary key). Malformed envelopes go to the configured deserialization handler.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="topic">The Debezium topic (one table's changes).</param>
    /// <param name="options">Serdes, timestamp choice, store.</param>
    /// <typeparam name="TKey">The primary-key type.</typeparam>
    /// <typeparam name="TValue">The row type (a reference type or nullable value type: absence is null).</typeparam>
    /// <returns>The table.</returns>
    public static KTable<TKey, TValue> Table<TKey, TValue>(this StreamsBuilder builder, string topic, DebeziumTableOptions<TKey, TValue>? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        options ??= new DebeziumTableOptions<TKey, TValue>();
        var keySerde = options.KeySerde ?? DebeziumSerdes.Key<TKey>(options: options.JsonOptions);
        var rowSerde = options.Materialized?.ValueSerde ?? Serdes.Json<TValue>(options.JsonOptions ?? DebeziumSerdes.DefaultJsonOptions);
        var materialized = (options.Materialized ?? Materialized.As<TKey, TValue>(topic + "-table")) with
        {
            KeySerde = options.Materialized?.KeySerde ?? keySerde,
            ValueSerde = rowSerde,
        };
        var timestamp = options.Timestamp;
        return builder.Stream(topic, Consumed.With(keySerde, DebeziumSerdes.Envelope<TValue>(options.JsonOptions)))
            .ProcessValues(() => new ChangeEventToRow<TKey, TValue>(timestamp))
            .ToTable(materialized);
    }

    /// <summary>
    /// A GlobalKTable (every instance holds every row; joins need no co-partitioning) equal to the source
    /// table whose Debezium change events are in <paramref name="topic"/>: creates, updates and snapshot
    /// reads put the row, deletes and tombstones remove it. The global store keeps each row in the topic's
    /// form (a create envelope), because a global table's store is filled from its topic; rows are stored
    /// with the record's timestamp (<see cref="DebeziumTableOptions{TKey,TValue}.Timestamp"/> applies to
    /// <see cref="Table{TKey,TValue}"/> only; stream–GlobalKTable joins stamp results with the stream
    /// record's time). Malformed envelopes go to the configured deserialization handler.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="topic">The Debezium topic (one table's changes).</param>
    /// <param name="options">Key serde, JSON options, store name (a <c>Materialized</c> value serde is not used: see above).</param>
    /// <typeparam name="TKey">The primary-key type.</typeparam>
    /// <typeparam name="TValue">The row type (a reference type or nullable value type: absence is null).</typeparam>
    /// <returns>The global table.</returns>
    public static GlobalKTable<TKey, TValue> GlobalTable<TKey, TValue>(this StreamsBuilder builder, string topic, DebeziumTableOptions<TKey, TValue>? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        options ??= new DebeziumTableOptions<TKey, TValue>();
        if (options.Materialized?.ValueSerde is not null)
            throw new ConfigException($"{nameof(DebeziumTableOptions<TKey, TValue>.Materialized)}.{nameof(Materialized<TKey, TValue>.ValueSerde)}",
                $"a Debezium GlobalTable(\"{topic}\") stores rows in the topic's envelope form; leave the value serde unset (set JsonOptions for the rows)");
        var keySerde = options.KeySerde ?? options.Materialized?.KeySerde ?? DebeziumSerdes.Key<TKey>(options: options.JsonOptions);
        var materialized = (options.Materialized ?? Materialized.As<TKey, TValue>(topic + "-global")) with { KeySerde = keySerde, ValueSerde = null };
        return builder.GlobalTable(topic, Consumed.With(keySerde, DebeziumSerdes.Row<TValue>(options.JsonOptions)), materialized);
    }
}
