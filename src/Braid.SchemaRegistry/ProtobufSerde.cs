using System.Buffers.Binary;
using System.Collections.Concurrent;
using Braid.Serialization;
using Confluent.SchemaRegistry;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Braid.SchemaRegistry;

/// <summary>
/// Confluent's Protobuf wire format, written here because Confluent's Protobuf serde package is not on this
/// project's feed: byte 0 = magic 0, bytes 1-4 = schema id (big-endian), then the message indexes (the path
/// of the message type inside its .proto file, as zig-zag varints: count, then each index; the common
/// path [0] as the single byte 0), then the Protobuf payload. This is the format Confluent's Java
/// KafkaProtobufSerializer and .NET ProtobufSerializer write, so their consumers read our records and we
/// read theirs. The schema registered is the message's file descriptor (base64 FileDescriptorProto, as
/// Confluent's .NET serializer registers it), its imports as references named by file name.
/// </summary>
internal sealed class ProtobufSerde<T> : Serde<T> where T : IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new(() => new T());
    private static readonly MessageDescriptor Descriptor = new T().Descriptor;
    private static readonly byte[] Indexes = MessageIndexes(Descriptor);
    private readonly ISchemaRegistryClient _client;
    private readonly ProtobufSerdeOptions _options;
    private readonly ConcurrentDictionary<string, int> _ids = new();

    public ProtobufSerde(ISchemaRegistryClient client, ProtobufSerdeOptions options)
    {
        _client = client;
        _options = options;
    }

    public override string Name => $"SchemaRegistryProtobuf<{typeof(T).Name}>";

    public override byte[] Serialize(T value) => throw NoContext();

    public override T Deserialize(ReadOnlySpan<byte> data) => throw NoContext();

    public override byte[] Serialize(T value, SerdeContext context)
    {
        int id;
        try
        {
            id = _ids.GetOrAdd(_options.SubjectName(context.Topic, context.IsKey), SchemaId);
        }
        catch (Exception e)
        {
            throw new Serialization.SerializationException(
                $"{Name} could not get a schema id for topic '{context.Topic}' ({(context.IsKey ? "key" : "value")}): {Innermost(e).Message}", e);
        }
        int size = value.CalculateSize();
        var bytes = new byte[5 + Indexes.Length + size];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), id);
        Indexes.CopyTo(bytes, 5);
        value.WriteTo(bytes.AsSpan(5 + Indexes.Length));
        return bytes;
    }

    public override T Deserialize(ReadOnlySpan<byte> data, SerdeContext context)
    {
        string where = $"{(context.IsKey ? "key" : "value")} from topic '{context.Topic}'";
        if (data.Length < 6 || data[0] != 0)
            throw new Serialization.SerializationException(
                $"{Name}: the {where} is not in the Schema Registry wire format (it needs magic byte 0, a 4-byte schema id and message indexes; got {data.Length} bytes starting {(data.IsEmpty ? "with nothing" : $"0x{data[0]:x2}")}).");
        int at = 5;
        long count = ReadZigZag(data, ref at, where);
        if (count < 0 || count > 100) throw new Serialization.SerializationException($"{Name}: the {where} has {count} message indexes; the bytes are damaged.");
        for (long i = 0; i < count; i++) ReadZigZag(data, ref at, where);
        try
        {
            return Parser.ParseFrom(data[at..]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new Serialization.SerializationException($"{Name} could not parse the {where} as {Descriptor.FullName}: {e.Message}", e);
        }
    }

    private int SchemaId(string subject)
    {
        var schema = new Schema(Convert.ToBase64String(Descriptor.File.SerializedData.ToByteArray()), References(Descriptor.File), SchemaType.Protobuf);
        return _options.AutoRegisterSchemas
            ? _client.RegisterSchemaAsync(subject, schema).GetAwaiter().GetResult()
            : _client.LookupSchemaAsync(subject, schema, ignoreDeletedSchemas: true).GetAwaiter().GetResult().Id;
    }

    /// <summary>Registers each import under its file name (Confluent's default reference subject) and names it.</summary>
    private List<SchemaReference> References(FileDescriptor file)
    {
        var refs = new List<SchemaReference>();
        foreach (var dep in file.Dependencies)
        {
            var schema = new Schema(Convert.ToBase64String(dep.SerializedData.ToByteArray()), References(dep), SchemaType.Protobuf);
            int version = _options.AutoRegisterSchemas
                ? RegisteredVersion(dep.Name, _client.RegisterSchemaAsync(dep.Name, schema).GetAwaiter().GetResult())
                : _client.LookupSchemaAsync(dep.Name, schema, ignoreDeletedSchemas: true).GetAwaiter().GetResult().Version;
            refs.Add(new SchemaReference(dep.Name, dep.Name, version));
        }
        return refs;
    }

    private int RegisteredVersion(string subject, int id)
    {
        foreach (var v in _client.GetSubjectVersionsAsync(subject).GetAwaiter().GetResult())
        {
            var registered = _client.GetRegisteredSchemaAsync(subject, v).GetAwaiter().GetResult();
            if (registered.Id == id) return registered.Version;
        }
        throw new InvalidOperationException($"the registry gave id {id} for subject '{subject}' but lists no version with it.");
    }

    /// <summary>The message's path in its file: index among top-level messages, then among nested ones.</summary>
    private static byte[] MessageIndexes(MessageDescriptor descriptor)
    {
        var path = new List<int>();
        for (var d = descriptor; d is not null; d = d.ContainingType)
            path.Insert(0, d.ContainingType is null ? d.File.MessageTypes.IndexOf(d) : d.ContainingType.NestedTypes.IndexOf(d));
        if (path is [0]) return [0];
        var output = new List<byte>();
        WriteZigZag(output, path.Count);
        foreach (int i in path) WriteZigZag(output, i);
        return [.. output];
    }

    private static void WriteZigZag(List<byte> output, int value)
    {
        uint v = (uint)((value << 1) ^ (value >> 31));
        while (v >= 0x80) { output.Add((byte)(v | 0x80)); v >>= 7; }
        output.Add((byte)v);
    }

    private long ReadZigZag(ReadOnlySpan<byte> data, ref int at, string where)
    {
        uint v = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (at >= data.Length) throw new Serialization.SerializationException($"{Name}: the {where} ends inside its message indexes.");
            byte b = data[at++];
            v |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return (int)(v >> 1) ^ -(int)(v & 1);
        }
        throw new Serialization.SerializationException($"{Name}: the {where} has a malformed varint in its message indexes.");
    }

    private static Exception Innermost(Exception e) => e is AggregateException { InnerException: { } inner } ? Innermost(inner) : e;

    private Serialization.SerializationException NoContext() => new(
        $"{Name} needs a topic (Schema Registry subjects are named after it) and was called without one — " +
        "probably as a state store serde. Give the store its own serde (Materialized.With(...)).");
}
