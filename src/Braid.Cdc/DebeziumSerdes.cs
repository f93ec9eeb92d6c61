using System.Text.Json;
using Braid.Serialization;

namespace Braid.Cdc;

/// <summary>
/// Serdes for Debezium's JSON change events (the JSON converter, with <c>schemas.enable</c> true or false).
/// Use them on any host; <see cref="Debezium.Table{TKey,TValue}"/> turns such a topic into a table.
/// </summary>
public static class DebeziumSerdes
{
    /// <summary>JSON options used when none are given: case-insensitive property names (so <c>unit_price</c> needs a
    /// <c>[JsonPropertyName]</c> or a snake-case policy, but <c>name</c> fits <c>Name</c>), numbers allowed as strings.</summary>
    public static JsonSerializerOptions DefaultJsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>The change-event envelope, with rows deserialized by System.Text.Json into <typeparamref name="T"/>.</summary>
    /// <param name="options">JSON options for the rows; <see cref="DefaultJsonOptions"/> when null.</param>
    /// <typeparam name="T">The row type.</typeparam>
    /// <returns>The serde; malformed envelopes throw <see cref="SerializationException"/> naming the problem.</returns>
    public static Serde<ChangeEvent<T>> Envelope<T>(JsonSerializerOptions? options = null) => new DebeziumEnvelopeSerde<T>(options);

    /// <summary>
    /// A row read from a change event: the row after the change, or null (no row) for a delete; a row is
    /// written as a create envelope. Used by <see cref="Debezium.GlobalTable{TKey,TValue}"/>.
    /// </summary>
    /// <param name="options">JSON options for the rows; <see cref="DefaultJsonOptions"/> when null.</param>
    /// <typeparam name="T">The row type.</typeparam>
    /// <returns>The serde; malformed envelopes throw <see cref="SerializationException"/> naming the problem.</returns>
    public static Serde<T> Row<T>(JsonSerializerOptions? options = null) => new DebeziumRowSerde<T>(options);

    /// <summary>The message key: the row's primary key as a JSON object.</summary>
    /// <param name="field">For a scalar key type: the key column's name, used when writing (reading takes the only field, whatever its name).</param>
    /// <param name="options">JSON options; <see cref="DefaultJsonOptions"/> when null.</param>
    /// <typeparam name="T">A scalar type for a one-column key, or a record type for a composite key.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<T> Key<T>(string field = "id", JsonSerializerOptions? options = null) => new DebeziumKeySerde<T>(field, options);

    /// <summary>Takes the payload out of the JSON converter's <c>{"schema":…,"payload":…}</c> wrapper, if present.</summary>
    internal static JsonElement Unwrap(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SerializationException($"Malformed Debezium change event: the {what} is {root.ValueKind}, expected a JSON object.");
        if (root.TryGetProperty("payload", out var payload) && root.TryGetProperty("schema", out _))
        {
            if (payload.ValueKind != JsonValueKind.Object)
                throw new SerializationException($"Malformed Debezium change event: the {what}'s 'payload' is {payload.ValueKind}, expected a JSON object.");
            return payload;
        }
        return root;
    }
}
