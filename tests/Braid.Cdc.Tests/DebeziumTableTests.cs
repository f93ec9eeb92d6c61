using System.Text;
using System.Text.Json;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Cdc.Tests;

public sealed class DebeziumTableTests
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static (TopologyTestDriver Driver, TestInputTopic<byte[], byte[]> Input) Build(ChangeTimestamp ts = ChangeTimestamp.SourceCommit, StreamsConfig? config = null)
    {
        var b = new StreamsBuilder();
        b.Table("dbserver1.public.customers", new DebeziumTableOptions<int, Customer>
        {
            JsonOptions = SnakeCase,
            Timestamp = ts,
            Materialized = Materialized.As<int, Customer>("customers"),
        });
        var driver = new TopologyTestDriver(b.Build(), config);
        return (driver, driver.CreateInputTopic("dbserver1.public.customers", Serdes.ByteArray, Serdes.ByteArray));
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Rows(TopologyTestDriver d) => string.Join("; ",
        d.GetTimestampedKeyValueStore<int, Customer>("customers").All().Select(kv => $"{kv.Key}={kv.Value.Value.FirstName}@{kv.Value.Timestamp}"));

    [Fact]
    public void Snapshot_read_create_update_delete_and_tombstone_drive_the_table()
    {
        var (d, input) = Build();
        using (d)
        {
            input.PipeInput(B("""{"id":1001}"""), B(Corpus.SnapshotRead), 5);
            input.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 6);
            input.PipeInput(B(Corpus.KeyWithSchema), B(Corpus.CreateWithSchema), 7);
            Assert.Equal("1001=Sally@1559033800000; 1002=George@1559033904900; 1004=Anne@1559033904863", Rows(d));
            input.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Update), 8);
            Assert.Contains("1004=Anne Marie@1559033905000", Rows(d), StringComparison.Ordinal);
            input.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Delete), 9);
            input.PipeInput(B(Corpus.KeySchemaless), null, 10); // the tombstone after the delete
            Assert.Equal("1001=Sally@1559033800000; 1002=George@1559033904900", Rows(d));
            // A tombstone alone (its delete compacted away) also deletes.
            input.PipeInput(B("""{"id":1001}"""), null, 11);
            Assert.Equal("1002=George@1559033904900", Rows(d));
        }
    }

    [Fact]
    public void The_timestamp_can_be_the_connector_time_or_the_record_time()
    {
        var (d1, in1) = Build(ChangeTimestamp.Connector);
        using (d1)
        {
            in1.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 42);
            Assert.Equal("1004=Anne@1559033904870", Rows(d1));
        }
        var (d2, in2) = Build(ChangeTimestamp.Record);
        using (d2)
        {
            in2.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 42);
            Assert.Equal("1004=Anne@42", Rows(d2));
        }
    }

    [Fact]
    public void A_malformed_envelope_goes_to_the_deserialization_handler_with_its_reason()
    {
        var (d, input) = Build();
        using (d)
        {
            var ex = Assert.ThrowsAny<StreamsException>(() => input.PipeInput(B(Corpus.KeySchemaless), B("""{"op":"x","after":{}}"""), 1));
            Assert.Contains("unknown op 'x'", ex.ToString(), StringComparison.Ordinal);
        }
        var (d2, in2) = Build(config: new StreamsConfig { DeserializationExceptionHandler = DeserializationExceptionHandler.LogAndContinue() });
        using (d2)
        {
            in2.PipeInput(B(Corpus.KeySchemaless), B("""{"op":"c"}"""), 1);
            in2.PipeInput(B(Corpus.KeySchemaless), B(Corpus.Create), 2);
            Assert.Equal("1004=Anne@1559033904863", Rows(d2));
            Assert.Equal(1, d2.DroppedRecords.Values.Sum());
        }
    }
}
