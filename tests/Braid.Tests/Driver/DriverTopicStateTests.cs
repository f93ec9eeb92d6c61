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

    [Fact]
    public void Offsets_StayPerTopic_WhenTopicsComeInTurnAndAreNamedByDifferentStringInstances()
    {
        // The driver finds the last two topics by reference: a third topic in turn, and names that are equal but not
        // the same string, must still reach their own topic's state (offsets and source), never a remembered one.
        var b = new StreamsBuilder();
        foreach (var t in new[] { "a", "b", "c" }) b.Stream(t, S).ProcessValues(() => new Annotate()).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var kept = new[] { "a", "b", "c" }.ToDictionary(t => t, t => d.CreateInputTopic(t, Serdes.String, Serdes.String));
        // Each sink write looks up "out" between two piped records, so the remembered topics are "out" and the last input:
        // the same name instance twice in a row finds the second slot; a fresh copy of a name is found by value.
        (string Topic, bool Fresh)[] order =
            [("a", false), ("a", false), ("b", true), ("b", false), ("b", false), ("c", false), ("a", true), ("c", false), ("c", true), ("a", false), ("a", false)];
        int ts = 0;
        foreach (var (t, fresh) in order)
        {
            var input = fresh ? d.CreateInputTopic(new string(t.AsSpan()), Serdes.String, Serdes.String) : kept[t];
            input.PipeInput("k", t + ts, ts++);
        }
        Assert.Equal(
            ["a0 from a@0", "a1 from a@1", "b2 from b@0", "b3 from b@1", "b4 from b@2", "c5 from c@0", "a6 from a@2", "c7 from c@1", "c8 from c@2", "a9 from a@3", "a10 from a@4"],
            d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    private sealed class Annotate : IFixedKeyProcessor<string, string, string>
    {
        private IFixedKeyProcessorContext<string, string> _ctx = null!;

        public void Init(IFixedKeyProcessorContext<string, string> context) => _ctx = context;

        public void Process(FixedKeyRecord<string, string> record) =>
            _ctx.Forward(record.WithValue($"{record.Value} from {_ctx.RecordMetadata!.Topic}@{_ctx.RecordMetadata.Offset}"));
    }
}
