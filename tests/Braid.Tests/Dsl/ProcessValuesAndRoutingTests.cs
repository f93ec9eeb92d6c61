using Braid.Processors;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Dsl;

public sealed class ProcessValuesAndRoutingTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Fact]
    public void ProcessValues_ChangesValuesButNeverKeys_AndSeesRecordMetadata()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S).ProcessValues(() => new Annotate()).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k", "a", 3);
        input.PipeInput("k", "b", 4);
        Assert.Equal(["a from in@0", "b from in@1"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void FlatMap_ReKeys_AndMarksTheStreamForRepartitioning()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S)
            .FlatMap((k, v) => v!.Split(',').Select(w => KeyValue.Pair(w, k!)))
            .GroupByKey()
            .Count()
            .ToStream().To("out", Produced.With(Serdes.String, Serdes.Int64));
        var topology = b.Build();
        Assert.Contains(topology.Describe().SourceTopics, t => t.EndsWith("-repartition", StringComparison.Ordinal));
        using var d = new TopologyTestDriver(topology);
        d.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("doc1", "x,y,x", 1);
        var counts = d.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadKeyValuesToMap();
        Assert.Equal(new Dictionary<string, long> { ["x"] = 2, ["y"] = 1 }, counts);
    }

    [Fact]
    public void To_WithTopicExtractor_RoutesEachRecord()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S).To((k, _) => "topic-" + k, P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("a", "1", 1);
        input.PipeInput("b", "2", 2);
        Assert.Equal(["1"], d.CreateOutputTopic("topic-a", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["2"], d.CreateOutputTopic("topic-b", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void ToTable_ThenJoin_UsesTheLatestValuePerKey()
    {
        var b = new StreamsBuilder();
        var latest = b.Stream("status", S).ToTable(Materialized.As<string, string>("status-store"));
        b.Stream("probe", S).Join(latest, (p, s) => $"{p}:{s}").To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var status = d.CreateInputTopic("status", Serdes.String, Serdes.String);
        status.PipeInput("o1", "created", 1);
        status.PipeInput("o1", "delivered", 2);
        d.CreateInputTopic("probe", Serdes.String, Serdes.String).PipeInput("o1", "q", 3);
        Assert.Equal("q:delivered", d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValue());
    }

    [Fact]
    public void JsonSerde_RoundTripsRecords_AndRejectsMalformedJson()
    {
        var serde = Serdes.Json<Order>();
        var order = new Order("o1", 3);
        Assert.Equal(order, serde.Deserialize(serde.Serialize(order)));
        Assert.Throws<SerializationException>(() => serde.Deserialize("{not json"u8));
    }

    private sealed record Order(string Id, int Quantity);

    private sealed class Annotate : IFixedKeyProcessor<string, string, string>
    {
        private IFixedKeyProcessorContext<string, string> _ctx = null!;

        public void Init(IFixedKeyProcessorContext<string, string> context) => _ctx = context;

        public void Process(FixedKeyRecord<string, string> record) =>
            _ctx.Forward(record.WithValue($"{record.Value} from {_ctx.RecordMetadata!.Topic}@{_ctx.RecordMetadata.Offset}"));
    }
}
