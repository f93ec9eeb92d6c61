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
    public static Serde<int> Int32 { get; } = new Int32Serde();

    /// <summary>64-bit integers, 8 bytes big-endian.</summary>
    public static Serde<long> Int64 { get; } = new Int64Serde();

    /// <summary>Doubles, 8 bytes big-endian IEEE 754.</summary>
    public static Serde<double> Double { get; } = new DoubleSerde();

    /// <summary>Raw bytes, unchanged.</summary>
    public static Serde<byte[]> ByteArray { get; } = new ByteArraySerde();

    /// <summary>JSON of any type via System.Text.Json.</summary>
    /// <param name="options">Serializer options; web defaults when null.</param>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The serde.</returns>
    public static Serde<T> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(options);

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
        return s as Serde<T> ?? new JsonSerde<T>(null);
    }

    private sealed class StringSerde : Serde<string>
    {
        public override string Name => "String";
        public override byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);
        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private sealed class Int32Serde : Serde<int>
    {
        public override string Name => "Int32";
        public override byte[] Serialize(int value)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            return b;
        }

        public override int Deserialize(ReadOnlySpan<byte> data) =>
            data.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(data)
            : throw new SerializationException($"Int32 needs 4 bytes, got {data.Length}.");
    }

    private sealed class Int64Serde : Serde<long>
    {
        public override string Name => "Int64";
        public override byte[] Serialize(long value)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, value);
            return b;
        }

        public override long Deserialize(ReadOnlySpan<byte> data) =>
            data.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(data)
            : throw new SerializationException($"Int64 needs 8 bytes, got {data.Length}.");
    }

    private sealed class DoubleSerde : Serde<double>
    {
        public override string Name => "Double";
        public override byte[] Serialize(double value)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteDoubleBigEndian(b, value);
            return b;
        }

        public override double Deserialize(ReadOnlySpan<byte> data) =>
            data.Length == 8 ? BinaryPrimitives.ReadDoubleBigEndian(data)
            : throw new SerializationException($"Double needs 8 bytes, got {data.Length}.");
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
    }

    private sealed class JsonSerde<T>(JsonSerializerOptions? options) : Serde<T>
    {
        private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        public override string Name => $"Json<{typeof(T).Name}>";
        public override byte[] Serialize(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

        public override T Deserialize(ReadOnlySpan<byte> data)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(data, _options)
                    ?? throw new SerializationException($"JSON 'null' is not a valid {typeof(T).Name}; send a tombstone (no bytes) instead.");
            }
            catch (JsonException e)
            {
                throw new SerializationException($"Malformed JSON for {typeof(T).Name}: {e.Message}", e);
            }
        }
    }
}
