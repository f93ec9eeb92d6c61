using Braid.Serialization;
using Braid.Testing;

namespace Braid.SchemaRegistry.Tests;

public sealed class JsonSchemaTopologyTests
{
    /// <summary>A JSON Schema record.</summary>
    public sealed class Payment
    {
        /// <summary>Payment id.</summary>
        public string Id { get; set; } = "";

        /// <summary>Amount in cents.</summary>
        public long Cents { get; set; }
    }

    [Fact]
    public async Task ClassesRoundTripWithASchemaRegisteredPerTopic()
    {
        var registry = new InMemorySchemaRegistry();
        var serde = SchemaRegistrySerdes.Json<Payment>(registry);
        var builder = new StreamsBuilder();
        builder.Stream("payments", Consumed.With(Serdes.String, serde))
            .MapValues(p => new Payment { Id = p!.Id, Cents = p.Cents + 1 })
            .To("charged", Produced.With(Serdes.String, serde));
        using var driver = new TopologyTestDriver(builder.Build());
        driver.CreateInputTopic("payments", Serdes.String, serde).PipeInput("p1", new Payment { Id = "p1", Cents = 41 }, 1_000);

        var value = driver.CreateOutputTopic("charged", Serdes.String, serde).ReadValue()!;
        Assert.Equal(("p1", 42L), (value.Id, value.Cents));
        var schema = await registry.GetLatestSchemaAsync("charged-value");
        Assert.Equal(Confluent.SchemaRegistry.SchemaType.Json, schema.SchemaType);
        Assert.Contains("Cents", schema.SchemaString);
    }
}
