using System.Text;
using System.Text.Json;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Cdc.Tests;

public sealed class DebeziumGlobalTableTests
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Fixture(TopologyTestDriver Driver, TestInputTopic<byte[], byte[]> Changes, TestInputTopic<string, int> Orders, TestOutputTopic<string, string> Out);

    /// <summary>Orders (keyed by order id, valued by customer id) enriched with the customer's name from a Debezium global table.</summary>
    private static Fixture Build(StreamsConfig? config = null)
    {
        var b = new StreamsBuilder();
        var customers = b.GlobalTable("dbserver1.public.customers", new DebeziumTableOptions<int, Customer>
        {
            JsonOptions = SnakeCase,
            Materialized = Materialized.As<int, Customer>("customers"),
        });
        b.Stream("orders", Consumed.With(Serdes.String, Serdes.Int32))
            .LeftJoin(customers, (_, customerId) => customerId, (customerId, c) => c is null ? $"{customerId}:?" : $"{customerId}:{c.FirstName}")
            .To("enriched", Produced.With(Serdes.String, Serdes.String));
        var d = new TopologyTestDriver(b.Build(), config);
        return new Fixture(d, d.CreateInputTopic("dbserver1.public.customers", Serdes.ByteArray, Serdes.ByteArray),
            d.CreateInputTopic("orders", Serdes.String, Serdes.Int32), d.CreateOutputTopic("enriched", Serdes.String, Serdes.String));
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Enriched(Fixture f) => string.Join(", ", f.Out.ReadValuesToList());

    [Fact]
    public void Creates_updates_deletes_and_tombstones_drive_the_global_table_a_stream_is_joined_with()
    {
        var f = Build();
        using (f.Driver)
        {
            f.Changes.PipeInput(B("""{"id":1001}"""), B(Corpus.SnapshotRead), 5);
            f.Changes.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 6);
            f.Orders.PipeInput("o1", 1001, 10);
            f.Orders.PipeInput("o2", 1004, 11);
            f.Orders.PipeInput("o3", 1005, 12);
            Assert.Equal("1001:Sally, 1004:Anne, 1005:?", Enriched(f));

            f.Changes.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Update), 13);
            f.Orders.PipeInput("o4", 1004, 14);
            Assert.Equal("1004:Anne Marie", Enriched(f));

            f.Changes.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Delete), 15);
            f.Orders.PipeInput("o5", 1004, 16);
            f.Changes.PipeInput(B(Corpus.KeySchemaless), null, 17); // the tombstone after the delete: still no row
            f.Orders.PipeInput("o6", 1004, 18);
            // A tombstone alone (its delete compacted away) also deletes.
            f.Changes.PipeInput(B("""{"id":1001}"""), null, 19);
            f.Orders.PipeInput("o7", 1001, 20);
            Assert.Equal("1004:?, 1004:?, 1001:?", Enriched(f));
        }
    }

    [Fact]
    public void The_global_store_answers_queries_with_the_rows()
    {
        var f = Build();
        using (f.Driver)
        {
            f.Changes.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 6);
            f.Changes.PipeInput(B("""{"id":1001}"""), B(Corpus.SnapshotRead), 7);
            f.Changes.PipeInput(B("""{"id":1001}"""), null, 8);
            var rows = f.Driver.GetTimestampedKeyValueStore<int, Customer>("customers").All().Select(kv => $"{kv.Key}={kv.Value.Value.FirstName}@{kv.Value.Timestamp}");
            Assert.Equal("1004=Anne@6", string.Join("; ", rows));
        }
    }

    [Fact]
    public void A_malformed_envelope_goes_to_the_deserialization_handler_with_its_reason()
    {
        var f = Build();
        using (f.Driver)
        {
            var ex = Assert.ThrowsAny<StreamsException>(() => f.Changes.PipeInput(B(Corpus.KeySchemaless), B("""{"op":"x","after":{}}"""), 1));
            Assert.Contains("unknown op 'x'", ex.ToString(), StringComparison.Ordinal);
        }
        var g = Build(new StreamsConfig { DeserializationExceptionHandler = DeserializationExceptionHandler.LogAndContinue() });
        using (g.Driver)
        {
            g.Changes.PipeInput(B(Corpus.KeySchemaless), B("""{"op":"c"}"""), 1);
            g.Changes.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 2);
            g.Orders.PipeInput("o1", 1004, 3);
            Assert.Equal("1004:Anne", Enriched(g));
        }
    }

    [Fact]
    public void A_value_serde_in_materialized_is_refused_naming_the_option()
    {
        var b = new StreamsBuilder();
        var ex = Assert.Throws<ConfigException>(() => b.GlobalTable("t", new DebeziumTableOptions<int, Customer>
        {
            Materialized = Materialized.As<int, Customer>("s") with { ValueSerde = Serdes.Json<Customer>() },
        }));
        Assert.Contains("ValueSerde", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_row_serde_round_trips_a_row_and_reads_a_delete_as_absence()
    {
        var serde = DebeziumSerdes.Row<Customer>(SnakeCase);
        var row = new Customer(7, "Zoe", "z@example.com");
        Assert.Equal(row, serde.Deserialize(serde.Serialize(row)));
        Assert.Null(serde.Deserialize(B(Corpus.Delete)));
    }
}
