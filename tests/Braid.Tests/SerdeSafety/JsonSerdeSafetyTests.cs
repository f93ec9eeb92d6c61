using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.SerdeSafety;

/// <summary>The JSON serde never loses data silently: it round-trips, or refuses with a typed error naming the type.</summary>
public sealed class JsonSerdeSafetyTests
{
    public sealed record Order(string Id, decimal Amount);
    public sealed record Customer(string Name, string Email);
    public interface IShape { double Area { get; } }
    public sealed class Opaque
    {
        private readonly int _secret;
        public Opaque(int secret) => _secret = secret;
        public int Reveal() => _secret;
    }

    public struct FieldsOnly
    {
        public int X;
        public string Label;
    }

    [Fact]
    public void ValueTuple_ThroughARepartition_ArrivesWhole()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .Map((k, v) => new KeyValue<string, (string, int)>(v!, (k!, k!.Length)))
            .Repartition()
            .To("out", Produced.With(Serdes.String, Serdes.Json<(string, int)>()));
        using var driver = new TopologyTestDriver(b.Build());
        driver.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("abc", "x", 1);
        var record = driver.CreateOutputTopic("out", Serdes.String, Serdes.Json<(string, int)>()).ReadKeyValue();
        Assert.Equal(("abc", 3), record.Value);
    }

    [Fact]
    public void FieldOnlyStruct_RoundTrips()
    {
        var serde = Serdes.Json<FieldsOnly>();
        var back = serde.Deserialize(serde.Serialize(new FieldsOnly { X = 7, Label = "seven" }));
        Assert.Equal(7, back.X);
        Assert.Equal("seven", back.Label);
    }

    [Fact]
    public void TypeWithOnlyPrivateState_IsRefusedWhenTheSerdeIsMade_NamingTheType()
    {
        var e = Assert.Throws<SerializationException>(() => Serdes.Json<Opaque>());
        Assert.Contains("Json<Opaque> would write every value as {}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_IsRefusedAtTopologyBuild_NotAtTheFirstRecord()
    {
        var b = new StreamsBuilder();
        var e = Assert.Throws<SerializationException>(() => b.Stream<string, IShape>("shapes"));
        Assert.Contains("IShape is an interface or abstract class", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordOfAnotherType_FailsOnAMissingConstructorParameter_InsteadOfArrivingHalfEmpty()
    {
        var customerBytes = Serdes.Json<Customer>().Serialize(new Customer("Ada", "ada@example.org"));
        var e = Assert.Throws<SerializationException>(() => Serdes.Json<Order>().Deserialize(customerBytes));
        Assert.Contains("Order", e.Message, StringComparison.Ordinal);
    }

    public sealed class Settable
    {
        public string? Name { get; set; }
        public int Count { get; set; }
    }

    [Fact]
    public void StrictJson_FailsOnAMissingMember_AndOnAnUnknownMember_NamingThem()
    {
        var strict = Serdes.StrictJson<Settable>();
        var missing = Assert.Throws<SerializationException>(() => strict.Deserialize("{\"name\":\"a\"}"u8));
        Assert.Contains("count", missing.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<SerializationException>(() => strict.Deserialize("{\"name\":\"a\",\"count\":1,\"colour\":\"red\"}"u8));
        Assert.Contains("colour", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(1, strict.Deserialize("{\"name\":\"a\",\"count\":1}"u8).Count);
        // The lenient default keeps reading JSON written by an older version of the type.
        Assert.Equal(0, Serdes.Json<Settable>().Deserialize("{\"name\":\"a\"}"u8).Count);
    }

    [Fact]
    public void WindowedKey_WithoutASerde_RefusesToBuild_AndSaysWhichSerdeToPass()
    {
        var e = Assert.Throws<TopologyException>(() => Serdes.Default<Windowed<string>>());
        Assert.Contains("WindowedSerdes.TimeWindowed", e.Message, StringComparison.Ordinal);
        var b = new StreamsBuilder();
        Assert.Throws<TopologyException>(() => b.Stream<Windowed<string>, long>("windowed-counts"));
    }
}
