using Avro;
using Avro.Generic;
using Braid.Embedded;
using Braid.Serialization;
using Braid.Testing;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Braid.SchemaRegistry.Tests;

public sealed class AvroTopologyTests
{
    private static readonly RecordSchema OrderSchema = (RecordSchema)Avro.Schema.Parse("""
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"string"},{"name":"customer","type":"string"},{"name":"cents","type":"long"}]}
        """);

    private static readonly RecordSchema ShippedSchema = (RecordSchema)Avro.Schema.Parse("""
        {"type":"record","name":"Shipped","namespace":"shop","fields":[
          {"name":"id","type":"string"},{"name":"customer","type":"string"},{"name":"euros","type":"double"}]}
        """);

    private static GenericRecord Order(string id, string customer, long cents)
    {
        var r = new GenericRecord(OrderSchema);
        r.Add("id", id);
        r.Add("customer", customer);
        r.Add("cents", cents);
        return r;
    }

    /// <summary>Orders re-keyed by customer through a repartition topic, then reshaped to another record schema.</summary>
    internal static Topology Build(Serde<GenericRecord> serde)
    {
        var builder = new StreamsBuilder();
        builder.Stream("orders", Consumed.With(Serdes.String, serde))
            .SelectKey((_, o) => (string)o!["customer"])
            .Repartition(new Repartitioned<string, GenericRecord> { Name = "by-customer" })
            .MapValues(o =>
            {
                var s = new GenericRecord(ShippedSchema);
                s.Add("id", o!["id"]);
                s.Add("customer", o["customer"]);
                s.Add("euros", (long)o["cents"] / 100.0);
                return s;
            })
            .To("shipped", Produced.With(Serdes.String, serde));
        return builder.Build();
    }

    [Fact]
    public async Task GenericRecordsRoundTripThroughARepartitionOnTheDriverAndRegisterOneSubjectPerTopic()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o1", Order("o1", "alice", 1250), 1_000);
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o2", Order("o2", "bob", 99), 2_000);

        var output = driver.CreateOutputTopic("shipped", Serdes.String, serde).ReadRecordsToList();
        Assert.Equal(["alice", "bob"], output.Select(r => r.Key));
        Assert.Equal([12.5, 0.99], output.Select(r => (double)r.Value!["euros"]));
        Assert.Equal("shop.Shipped", output[0].Value!.Schema.Fullname);
        // The serde named subjects after the topics the context carried: a serde without context could not.
        Assert.Equal(["by-customer-repartition-value", "orders-value", "shipped-value"],
            (await registry.GetAllSubjectsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OutputBytesCarryTheWireFormatAndTheSchemaIdOfTheOutputSubject()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o1", Order("o1", "alice", 1250), 1_000);

        var raw = driver.CreateOutputTopic("shipped", Serdes.String, Serdes.ByteArray).ReadValue()!;
        int shippedId = (await registry.GetLatestSchemaAsync("shipped-value")).Id;
        Assert.Equal(0, raw[0]);
        Assert.Equal(shippedId, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(1)));
        Assert.NotEqual((await registry.GetLatestSchemaAsync("orders-value")).Id, shippedId);
    }

    [Fact]
    public void SchemaIdInHeadersIsWrittenWithTheRecordAndReadBack()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(registry,
            new AvroSerializerConfig { SchemaIdStrategy = SchemaIdSerializerStrategy.Header });
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o1", Order("o1", "alice", 1250), 1_000);

        var rawOut = driver.CreateOutputTopic("shipped", Serdes.String, Serdes.ByteArray).ReadRecordsToList();
        Assert.Single(rawOut);
        Assert.True(rawOut[0].Headers!.TryGetLast("__value_schema_id", out _), "the header written by the serializer was lost");
        Assert.NotEqual(0, rawOut[0].Value![0]); // no magic-byte prefix: the id lives in the header
        driver.CreateInputTopic("orders", Serdes.String, serde).PipeInput("o2", Order("o2", "bob", 300), 2_000);
        Assert.Equal(3.0, (double)driver.CreateOutputTopic("shipped", Serdes.String, serde).ReadValue()!["euros"]);
    }

    [Fact]
    public async Task GenericRecordsRoundTripThroughARepartitionOnTheEmbeddedRuntime()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(registry);
        var dir = Directory.CreateTempSubdirectory("braid-sr-avro-").FullName;
        try
        {
            await using var app = new BraidApplication(Build(serde), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "shop" }, StateDirectory = dir,
            });
            var producer = app.CreateProducer("orders", Serdes.String, serde);
            producer.Send("o1", Order("o1", "alice", 1250), 1_000);
            producer.Send("o2", Order("o2", "bob", 400), 2_000);
            await app.StartAsync();
            await app.WaitForIdleAsync(TimeSpan.FromSeconds(60));
            var output = app.CreateReader("shipped", Serdes.String, serde).ReadToEnd();
            Assert.Equal([("alice", 12.5), ("bob", 4.0)], output.Select(r => (r.Key!, (double)r.Value!["euros"])).OrderBy(p => p.Item1));
            Assert.Contains("by-customer-repartition-value", await registry.GetAllSubjectsAsync());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BytesWithoutTheWireFormatFailTheRecordNamingTopicAndSerde()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(registry);
        using var driver = new TopologyTestDriver(Build(serde), new StreamsConfig { ApplicationId = "shop" });
        var e = Assert.ThrowsAny<Exception>(() =>
            driver.CreateInputTopic("orders", Serdes.String, Serdes.ByteArray).PipeInput("o1", "not avro"u8.ToArray(), 1_000));
        var message = string.Join(" | ", Chain(e).Select(x => x.Message));
        Assert.Contains("orders", message);
        Assert.Contains("SchemaRegistryAvro<GenericRecord>", message);
    }

    [Fact]
    public void UsedWithoutATopicTheSerdeRefusesInsteadOfInventingASubject()
    {
        var serde = SchemaRegistrySerdes.Avro<GenericRecord>(new InMemorySchemaRegistry());
        var e = Assert.Throws<Braid.Serialization.SerializationException>(() => serde.Serialize(Order("o1", "alice", 1)));
        Assert.Contains("needs a topic", e.Message);
    }

    internal static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e;
    }
}
