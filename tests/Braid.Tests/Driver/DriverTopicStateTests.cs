using Braid.Processors;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Driver;

/// <summary>
/// The driver keeps one state per topic (next offset, the task's source for it, whether it is internal and watched):
/// offsets count per topic across records piped in and records the topology itself writes to that topic, and each
/// record reaches the source of its own topic, whatever order the topics come in.
/// </summary>
public sealed class DriverTopicStateTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Fact]
    public void Offsets_CountPerTopic_AcrossPipedRecordsAndRecordsTheTopologyWritesThere()
    {
        var b = new StreamsBuilder();
        b.Stream("x", S).To("a", P); // the topology writes into a topic it also reads
        b.Stream("a", S).ProcessValues(() => new Annotate()).To("out", P);
        b.Stream("c", S).ProcessValues(() => new Annotate()).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var a = d.CreateInputTopic("a", Serdes.String, Serdes.String);
        var x = d.CreateInputTopic("x", Serdes.String, Serdes.String);
        var c = d.CreateInputTopic("c", Serdes.String, Serdes.String);
        a.PipeInput("k", "p0", 1);
        x.PipeInput("k", "q0", 2);
        c.PipeInput("k", "c0", 3);
        a.PipeInput("k", "p1", 4);
        x.PipeInput("k", "q1", 5);
        c.PipeInput("k", "c1", 6);
        Assert.Equal(["p0 from a@0", "q0 from a@1", "c0 from c@0", "p1 from a@2", "q1 from a@3", "c1 from c@1"],
            d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(2, d.CreateOutputTopic("a", Serdes.String, Serdes.String).ReadValuesToList().Count);
    }

    private sealed class Annotate : IFixedKeyProcessor<string, string, string>
    {
        private IFixedKeyProcessorContext<string, string> _ctx = null!;

        public void Init(IFixedKeyProcessorContext<string, string> context) => _ctx = context;

        public void Process(FixedKeyRecord<string, string> record) =>
            _ctx.Forward(record.WithValue($"{record.Value} from {_ctx.RecordMetadata!.Topic}@{_ctx.RecordMetadata.Offset}"));
    }
}
