using System.Text.Json;
using System.Text.Json.Serialization;
using Braid.Serialization;

namespace Braid.Sql;

/// <summary>Serde for rows inside a topology (internal topics, stores): the exact binary form of <see cref="RowCodec"/>.</summary>
internal sealed class SqlRowSerde : Serde<SqlRow>
{
    public static readonly SqlRowSerde Instance = new();

    public override string Name => "SqlRow";

    public override byte[] Serialize(SqlRow value) => RowCodec.Encode(value);

    public override SqlRow Deserialize(ReadOnlySpan<byte> data) => RowCodec.Decode(data);
}

/// <summary>
/// Lets the DSL's default serde (System.Text.Json) carry rows where an operator builds its own internal
/// serde: the row travels as its exact binary form in a base64 string, so no type is lost.
/// </summary>
internal sealed class SqlRowJsonConverter : JsonConverter<SqlRow>
{
    public override SqlRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RowCodec.Decode(reader.GetBytesFromBase64());

    public override void Write(Utf8JsonWriter writer, SqlRow value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(RowCodec.Encode(value));
}
