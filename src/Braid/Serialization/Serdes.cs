using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Braid.Serialization;

/// <summary>The built-in serdes. Integers are big-endian, as Kafka's, so Java producers agree.</summary>
public static class Serdes
{
    /// <summary>UTF-8 strings.</summary>
    public static Serde<string> String { get; } = new StringSerde();

    /// <summary>32-bit integers, 4 bytes big-endian.</summary>
    public static Serde<int> Int32 { get; } = new BigEndianSerde<int>("Int32", 4, BinaryPrimitives.WriteInt32BigEndian, BinaryPrimitives.ReadInt32BigEndian);

    /// <summary>64-bit integers, 8 bytes big-endian.</summary>
    public static Serde<long> Int64 { get; } = new BigEndianSerde<long>("Int64", 8, BinaryPrimitives.WriteInt64BigEndian, BinaryPrimitives.ReadInt64BigEndian);

    /// <summary>Doubles, 8 bytes big-endian IEEE 754.</summary>
    public static Serde<double> Double { get; } = new BigEndianSerde<double>("Double", 8, BinaryPrimitives.WriteDoubleBigEndian, BinaryPrimitives.ReadDoubleBigEndian);

    /// <summary>Raw bytes, unchanged.</summary>
    public static Serde<byte[]> ByteArray { get; } = new ByteArraySerde();

    /// <summary>
    /// JSON via System.Text.Json. With the default options (web defaults) public fields are written as well as
    /// properties, so tuples and field-only structs round-trip, and a missing constructor parameter (a record's
    /// positional member) fails instead of arriving as null or zero. Types it cannot round-trip are refused
    /// here, when the topology is built, with a <see cref="SerializationException"/> naming the type:
    /// interfaces and abstract classes without polymorphism metadata, and objects whose state is only in
    /// non-public fields (they would be written as <c>{}</c>). See docs/serdes.md.
    /// </summary>
    /// <param name="options">Serializer options, used as given; the defaults above when null.</param>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<T> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(options ?? JsonSerdeDefaults.Lenient);

    /// <summary>
    /// Strict JSON: as <see cref="Json{T}"/>, and every member of <typeparamref name="T"/> must be present in
    /// the JSON (a missing one fails with <see cref="SerializationException"/> naming it), unknown JSON members
    /// fail, and null is refused where the type says non-nullable. Use it to read a topic whose producers you
    /// do not control: a record of another type fails instead of arriving half-empty.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<T> StrictJson<T>() => new JsonSerde<T>(JsonSerdeDefaults.Strict);

    /// <summary>
    /// The serde Braid picks when none is given: the built-in one for string, int, long, double,
    /// byte[] and their nullable forms, else JSON.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<T> Default<T>()
    {
        var t = typeof(T);
        object? s = t == typeof(string) ? String
            : t == typeof(int) ? Int32
            : t == typeof(long) ? Int64
            : t == typeof(double) ? Double
            : t == typeof(byte[]) ? ByteArray
            : t == typeof(int?) ? new NullableSerde<int>(Int32)
            : t == typeof(long?) ? new NullableSerde<long>(Int64)
            : t == typeof(double?) ? new NullableSerde<double>(Double)
            : null;
        // A windowed key has two formats (time windows need the size to read one back): refuse to guess.
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Windowed<>))
            throw new TopologyException($"{TypeName(t)} has no default serde: a windowed key needs an explicit one, e.g. " +
                "Produced.With(WindowedSerdes.TimeWindowed(keySerde, windowSize), valueSerde), or WindowedSerdes.SessionWindowed(keySerde).");
        return s as Serde<T> ?? Json<T>();
    }

    internal static string TypeName(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" : t.Name;

    private sealed class StringSerde : Serde<string>
    {
        public override string Name => "String";
        public override byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);
        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private delegate void SpanWriter<T>(Span<byte> destination, T value);

    private delegate T SpanReader<T>(ReadOnlySpan<byte> source);

    /// <summary>A fixed-width number in big-endian byte order (Kafka's IntegerSerde, LongSerde and DoubleSerde).</summary>
    private sealed class BigEndianSerde<T>(string name, int width, SpanWriter<T> write, SpanReader<T> read) : Serde<T>
    {
        public override string Name => name;

        public override byte[] Serialize(T value)
        {
            var b = new byte[width];
            write(b, value);
            return b;
        }

        public override T Deserialize(ReadOnlySpan<byte> data) =>
            data.Length == width ? read(data)
            : throw new SerializationException($"{name} needs {width} bytes, got {data.Length}.");
    }

    private sealed class ByteArraySerde : Serde<byte[]>
    {
        public override string Name => "ByteArray";
        public override byte[] Serialize(byte[] value) => value;
        public override byte[] Deserialize(ReadOnlySpan<byte> data) => data.ToArray();
    }

    private sealed class NullableSerde<T>(Serde<T> inner) : Serde<T?> where T : struct
    {
        public override string Name => inner.Name;
        public override byte[] Serialize(T? value) => inner.Serialize(value!.Value);
        public override T? Deserialize(ReadOnlySpan<byte> data) => inner.Deserialize(data);
        public override byte[] Serialize(T? value, SerdeContext context) => inner.Serialize(value!.Value, context);
        public override T? Deserialize(ReadOnlySpan<byte> data, SerdeContext context) => inner.Deserialize(data, context);
        public override bool WritesHeaders => inner.WritesHeaders;
    }
}
