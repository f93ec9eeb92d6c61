using System.Text;
using System.Text.Json;
using Braid.Serialization;

namespace Braid.Cdc.Tests;

public sealed class DebeziumEnvelopeTests
{
    private static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly Serde<ChangeEvent<Customer>> Envelope = DebeziumSerdes.Envelope<Customer>(SnakeCase);

    private static ChangeEvent<Customer> Parse(string json) => Envelope.Deserialize(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Create_gives_the_after_row_with_the_source_commit_time()
    {
        var e = Parse(Corpus.Create);
        Assert.Equal(new ChangeEvent<Customer>(ChangeOperation.Create, null, new Customer(1004, "Anne", "annek@noanswer.org"), 1559033904863, 1559033904870, false), e);
    }

    [Fact]
    public void Update_keeps_before_and_after()
    {
        var e = Parse(Corpus.Update);
        Assert.Equal(ChangeOperation.Update, e.Operation);
        Assert.Equal("Anne", e.Before!.FirstName);
        Assert.Equal("Anne Marie", e.After!.FirstName);
        Assert.Equal(1559033905000, e.SourceTimestampMs);
    }

    [Fact]
    public void Delete_has_no_after_row()
    {
        var e = Parse(Corpus.Delete);
        Assert.Equal(ChangeOperation.Delete, e.Operation);
        Assert.Null(e.After);
        Assert.Equal(1004, e.Before!.Id);
    }

    [Fact]
    public void Snapshot_reads_are_marked_as_snapshot()
    {
        var e = Parse(Corpus.SnapshotRead);
        Assert.Equal(ChangeOperation.Read, e.Operation);
        Assert.True(e.Snapshot);
        Assert.False(Parse(Corpus.Create).Snapshot);
    }

    [Fact]
    public void The_with_schema_form_reads_the_payload()
    {
        var e = Parse(Corpus.CreateWithSchema);
        Assert.Equal(new Customer(1002, "George", "gbailey@foobar.com"), e.After);
        Assert.Equal(1559033904900, e.SourceTimestampMs);
    }

    [Fact]
    public void Missing_source_and_timestamps_read_as_absent_not_zero()
    {
        var e = Parse("""{"op":"c","after":{"id":1,"first_name":"a","email":"b"}}""");
        Assert.Null(e.SourceTimestampMs);
        Assert.Null(e.EventTimestampMs);
    }

    [Theory]
    [MemberData(nameof(Corpus.Malformed), MemberType = typeof(Corpus))]
    public void Malformed_envelopes_throw_a_serialization_error_naming_the_reason(string json, string reason)
    {
        var ex = Assert.Throws<SerializationException>(() => Parse(json));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Malformed Debezium change event", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_then_deserialize_round_trips()
    {
        var e = new ChangeEvent<Customer>(ChangeOperation.Update, null, new Customer(1, "a", "b"), 10, 11, false);
        Assert.Equal(e, Envelope.Deserialize(Envelope.Serialize(e)));
    }

    [Fact]
    public void Keys_are_read_from_both_forms_and_composite_keys_into_records()
    {
        var key = DebeziumSerdes.Key<int>();
        Assert.Equal(1004, key.Deserialize(Encoding.UTF8.GetBytes(Corpus.KeySchemaless)));
        Assert.Equal(1002, key.Deserialize(Encoding.UTF8.GetBytes(Corpus.KeyWithSchema)));
        Assert.Equal(7, key.Deserialize(key.Serialize(7)));
        var composite = DebeziumSerdes.Key<OrderLineKey>(options: SnakeCase);
        Assert.Equal(new OrderLineKey(5, 2), composite.Deserialize(Encoding.UTF8.GetBytes("""{"order_id":5,"line_no":2}""")));
        var ex = Assert.Throws<SerializationException>(() => key.Deserialize(Encoding.UTF8.GetBytes("""{"order_id":5,"line_no":2}""")));
        Assert.Contains("2 fields", ex.Message, StringComparison.Ordinal);
    }

    public sealed record OrderLineKey(int OrderId, int LineNo);
}
