using Braid.Serialization;
using Confluent.Kafka;
using BraidSerializationException = Braid.Serialization.SerializationException;

namespace Braid.SchemaRegistry;

/// <summary>
/// A Braid serde over one of Confluent's Schema Registry serializer/deserializer pairs. Confluent's
/// serializers pick the subject from the topic and key-or-value (TopicNameStrategy by default) and may
/// read or write the schema id in headers, so this serde only works where Braid passes a
/// <see cref="SerdeContext"/>: at topics. Called without one (a state store), it refuses with a message
/// saying so rather than registering a subject nobody asked for.
/// </summary>
internal sealed class ConfluentSerde<T> : Serde<T>
{
    private readonly ISerializer<T> _serializer;
    private readonly IDeserializer<T> _deserializer;
    private readonly bool _writesHeaders;

    public ConfluentSerde(string name, ISerializer<T> serializer, IDeserializer<T> deserializer, bool writesHeaders)
    {
        Name = name;
        _serializer = serializer;
        _deserializer = deserializer;
        _writesHeaders = writesHeaders;
    }

    public override string Name { get; }

    public override bool WritesHeaders => _writesHeaders;

    public override byte[] Serialize(T value) => throw NoContext();

    public override T Deserialize(ReadOnlySpan<byte> data) => throw NoContext();

    public override byte[] Serialize(T value, SerdeContext context)
    {
        var headers = ConfluentHeaders.From(context.Headers);
        int before = headers?.Count ?? 0;
        byte[] bytes;
        try
        {
            bytes = _serializer.Serialize(value, Of(context, headers));
        }
        catch (Exception e)
        {
            throw new BraidSerializationException(
                $"{Name} could not serialize a {typeof(T).Name} {What(context)} for topic '{context.Topic}': {Innermost(e).Message}", e);
        }
        if (headers is not null && context.Headers is not null)
            for (int i = before; i < headers.Count; i++) context.Headers.Add(headers[i].Key, headers[i].GetValueBytes());
        return bytes;
    }

    public override T Deserialize(ReadOnlySpan<byte> data, SerdeContext context)
    {
        try
        {
            return _deserializer.Deserialize(data, false, Of(context, ConfluentHeaders.From(context.Headers)));
        }
        catch (Exception e)
        {
            throw new BraidSerializationException(
                $"{Name} could not deserialize a {typeof(T).Name} {What(context)} from topic '{context.Topic}': {Innermost(e).Message}", e);
        }
    }

    private static SerializationContext Of(SerdeContext context, Confluent.Kafka.Headers? headers) =>
        new(context.IsKey ? MessageComponentType.Key : MessageComponentType.Value, context.Topic, headers);

    private static string What(SerdeContext context) => context.IsKey ? "key" : "value";

    private static Exception Innermost(Exception e) => e is AggregateException { InnerException: { } inner } ? Innermost(inner) : e;

    private BraidSerializationException NoContext() => new(
        $"{Name} needs a topic (Schema Registry subjects are named after it) and was called without one — " +
        "probably as a state store serde. Give the store its own serde (Materialized.With(...)), for example Serdes.Json<T>().");
}
