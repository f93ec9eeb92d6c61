using System.Text.Json;
using Braid.Serialization;

namespace Braid.Cdc;

/// <summary>
/// A row whose wire form is a Debezium change event: reading an envelope gives the row after the change,
/// or no row (null) for a delete; writing a row gives a create envelope, which reads back as the same row.
/// This is what lets a GlobalKTable — whose store keeps the source's own value form — be fed a Debezium
/// topic directly: the global store holds create envelopes, and a delete envelope removes the key as a
/// tombstone does.
/// </summary>
internal sealed class DebeziumRowSerde<T>(JsonSerializerOptions? options) : Serde<T>
{
    private readonly DebeziumEnvelopeSerde<T> _envelope = new(options);

    public override string Name => $"DebeziumRow<{typeof(T).Name}>";

    public override T Deserialize(ReadOnlySpan<byte> data)
    {
        var change = _envelope.Deserialize(data);
        // A delete is absence: the null value reaches the table source as a tombstone does.
        return change.Operation == ChangeOperation.Delete ? default! : change.After!;
    }

    public override byte[] Serialize(T value) =>
        _envelope.Serialize(new ChangeEvent<T>(ChangeOperation.Create, default, value, null, null, false));
}
