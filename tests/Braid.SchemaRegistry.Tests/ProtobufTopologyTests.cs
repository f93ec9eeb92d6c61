using System.Buffers.Binary;
using Braid.Embedded;
using Braid.SchemaRegistry.Tests.Proto;
using Braid.Serialization;
using Braid.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Braid.SchemaRegistry.Tests;

public sealed class ProtobufTopologyTests
{
    private static Order NewOrder(string id, string customer, long cents) => new()
    {
        Id = id, Customer = customer, Cents = cents, Placed = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)),
        Lines = { new Order.Types.Line { Sku = "sku-" + id, Quantity = 2 } },
    };

    private static Topology Build(Serde<Order> serde)
    {
        var builder = new StreamsBuilder();
        builder.Stream("orders", Consumed.With(Serdes.String, serde))
            .SelectKey((_, o) => o!.Customer)
            .Repartition(new Repartitioned<string, Order> { Name = "by-customer" })
            .MapValues(o => { var c = o!.Clone(); c.Cents *= 2; return c; })
            .To("doubled", Produced.With(Serdes.String, serde));
        return builder.Build();
    }

    [Fact]
    public void MessagesRoundTripThroughARepartitionOnTheDriver()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Protobuf<Order>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        var input = driver.CreateInputTopic("orders", Serdes.String, serde);
        input.PipeInput("o1", NewOrder("o1", "alice", 1250), 1_000);
        input.PipeInput("o2", NewOrder("o2", "bob", 7), 2_000);

        var output = driver.CreateOutputTopic("doubled", Serdes.String, serde).ReadRecordsToList();
        var expected = new[] { NewOrder("o1", "alice", 2500), NewOrder("o2", "bob", 14) };
        Assert.Equal(expected, output.Select(r => r.Value));
        Assert.Equal(["alice", "bob"], output.Select(r => r.Key));
    }

    [Fact]
    public async Task TheWireFormatHasTheSchemaIdAndTheMessageIndexOfANonFirstMessage()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Protobuf<Order>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o1", NewOrder("o1", "alice", 1), 1_000);

        var raw = driver.CreateOutputTopic("doubled", Serdes.String, Serdes.ByteArray).ReadValue()!;
        var registered = (await registry.GetLatestSchemaAsync("doubled-value"));
        Assert.Equal(0, raw[0]);
        Assert.Equal(registered.Id, BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(1)));
        // Order is the second message of order.proto: indexes [1] = count 1, index 1, both zig-zag (2, 2).
        Assert.Equal(new byte[] { 2, 2 }, raw[5..7]);
        Assert.Equal(NewOrder("o1", "alice", 2), Order.Parser.ParseFrom(raw[7..]));
        Assert.Equal(Google.Protobuf.ByteString.FromBase64(registered.SchemaString), OrderReflection.Descriptor.SerializedData);
        // The import is registered under its file name and referenced by the order schema.
        var reference = Assert.Single(registered.References);
        Assert.Equal("google/protobuf/timestamp.proto", reference.Subject);
        Assert.Contains("google/protobuf/timestamp.proto", (await registry.GetAllSubjectsAsync()));
    }

    [Fact]
    public void SchemaIsLookedUpOncePerSubjectNotPerRecord()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Protobuf<Order>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        var input = driver.CreateInputTopic("orders", Serdes.String, serde);
        for (int i = 0; i < 20; i++) input.PipeInput("o" + i, NewOrder("o" + i, "c" + (i % 3), i), 1_000 + i);
        Assert.Equal(20, driver.CreateOutputTopic("doubled", Serdes.String, serde).ReadRecordsToList().Count);
        var registrations = registry.Calls.Where(c => c.StartsWith("register ", StringComparison.Ordinal) && c.EndsWith("-value", StringComparison.Ordinal)).ToList();
        Assert.Equal(["register by-customer-repartition-value", "register doubled-value", "register orders-value"], registrations.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MessagesRoundTripThroughARepartitionOnTheEmbeddedRuntime()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Protobuf<Order>(registry);
        var dir = Directory.CreateTempSubdirectory("braid-sr-proto-").FullName;
        try
        {
            await using var app = new BraidApplication(Build(serde), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "shop" }, StateDirectory = dir,
            });
            var producer = app.CreateProducer("orders", Serdes.String, serde);
            producer.Send("o1", NewOrder("o1", "alice", 5), 1_000);
            producer.Send("o2", NewOrder("o2", "bob", 6), 2_000);
            await app.StartAsync();
            await app.WaitForIdleAsync(TimeSpan.FromSeconds(60));
            var output = app.CreateReader("doubled", Serdes.String, serde).ReadToEnd();
            Assert.Equal([NewOrder("o1", "alice", 10), NewOrder("o2", "bob", 12)], output.Select(r => r.Value).OrderBy(o => o!.Id));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 8, 1 }, "wire format")]
    [InlineData(new byte[] { 0, 0, 0, 0, 1, 0x80 }, "message indexes")]
    [InlineData(new byte[] { 0, 0, 0, 0, 1, 0, 0xff, 0xff }, "could not parse")]
    public void DamagedBytesGetATypedErrorNamingTheTopic(byte[] bytes, string says)
    {
        var serde = SchemaRegistrySerdes.Protobuf<Order>(new InMemorySchemaRegistry());
        var e = Assert.Throws<Braid.Serialization.SerializationException>(() =>
            serde.Deserialize(bytes, new SerdeContext("orders", SerdeTarget.Value, null)));
        Assert.Contains(says, e.Message);
        Assert.Contains("'orders'", e.Message);
    }
}
