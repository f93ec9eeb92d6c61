using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using Braid.Testing;

namespace Braid.Tests.Dsl;

public sealed class StreamOperatorTests
{
    private static readonly Consumed<string, string> S = Consumed.With(Serdes.String, Serdes.String);
    private static readonly Produced<string, string> P = Produced.With(Serdes.String, Serdes.String);

    [Fact]
    public void FilterMapValuesAndFlatMap_TransformEachRecord_KeepingTimestamps()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S)
            .Filter((_, v) => v != "drop")
            .MapValues(v => v!.ToUpperInvariant())
            .FlatMapValues(v => v!.Split(' '))
            .To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k", "hello world", 10);
        input.PipeInput("k", "drop", 11);
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList();
        Assert.Equal([new("k", "HELLO", 10), new TestRecord<string, string>("k", "WORLD", 10)], output);
    }

    [Fact]
    public void SelectKeyThenGroupByKey_Repartitions_AndCountsPerNewKey()
    {
        var b = new StreamsBuilder();
        b.Stream("in", S)
            .SelectKey((_, v) => v!.Split(':')[0])
            .GroupByKey()
            .Count(Materialized.As<string, long>("counts"))
            .ToStream()
            .To("out", Produced.With(Serdes.String, Serdes.Int64));
        var topology = b.Build();
        Assert.Equal(2, topology.Describe().Subtopologies.Count);
        using var d = new TopologyTestDriver(topology);
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("1", "red:a", 1);
        input.PipeInput("2", "blue:b", 2);
        input.PipeInput("3", "red:c", 3);
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadKeyValuesToList();
        Assert.Equal([new("red", 1L), new("blue", 1L), new KeyValue<string?, long>("red", 2L)], output);
        Assert.True(d.GetTimestampedKeyValueStore<string, long>("counts").TryGet("red", out var red));
        Assert.Equal(new ValueAndTimestamp<long>(2, 3), red);
    }

    [Fact]
    public void Split_SendsEachRecordToTheFirstMatchingBranch()
    {
        var b = new StreamsBuilder();
        var branches = b.Stream("in", S).Split("route-")
            .Branch((_, v) => v!.StartsWith('a'), "a")
            .Branch((_, v) => v!.StartsWith('b'), "b")
            .DefaultBranch("other");
        branches["route-a"].To("a", P);
        branches["route-b"].To("b", P);
        branches["route-other"].To("other", P);
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        foreach (var v in new[] { "apple", "banana", "avocado", "cherry" }) input.PipeInput("k", v, 1);
        Assert.Equal(["apple", "avocado"], d.CreateOutputTopic("a", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["banana"], d.CreateOutputTopic("b", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["cherry"], d.CreateOutputTopic("other", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void Merge_InterleavesTwoStreams_InProcessingOrder()
    {
        var b = new StreamsBuilder();
        b.Stream("x", S).Merge(b.Stream("y", S)).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("x", Serdes.String, Serdes.String).PipeInput("k", "x1", 1);
        d.CreateInputTopic("y", Serdes.String, Serdes.String).PipeInput("k", "y1", 2);
        d.CreateInputTopic("x", Serdes.String, Serdes.String).PipeInput("k", "x2", 3);
        Assert.Equal(["x1", "y1", "x2"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void Map_And_Peek_SeeKeyAndValue()
    {
        var seen = new List<string>();
        var b = new StreamsBuilder();
        b.Stream("in", S).Peek((k, v) => seen.Add($"{k}={v}")).Map((k, v) => KeyValue.Pair(v!, k!)).To("out", P);
        using var d = new TopologyTestDriver(b.Build());
        d.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k1", "v1", 5);
        Assert.Equal(["k1=v1"], seen);
        Assert.Equal(new TestRecord<string, string>("v1", "k1", 5), d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecord());
    }

    [Fact]
    public void Process_UsesItsStore_AndPunctuatesOnStreamTime()
    {
        var b = new StreamsBuilder();
        b.AddStateStore(Stores.KeyValue<string, long>("totals", Serdes.String, Serdes.Int64));
        b.Stream("in", Consumed.With(Serdes.String, Serdes.Int64))
            .Process(() => new SummingProcessor(), "totals")
            .To("out", Produced.With(Serdes.String, Serdes.Int64));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.Int64);
        input.PipeInput("a", 5, 0);     // stream time 0: the 10 ms punctuation fires at 0 (aligned to 0)
        input.PipeInput("a", 7, 5);     // stream time 5: not due
        input.PipeInput("b", 1, 12);    // stream time 12: due (next was 10)
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.Int64).ReadRecordsToList();
        Assert.Equal([new("a", 5L, 0), new("a", 12L, 12), new TestRecord<string, long>("b", 1L, 12)], output);
    }

    [Fact]
    public void Punctuation_OnWallClock_FiresWhenTheDriverClockAdvances()
    {
        var fired = new List<long>();
        var b = new StreamsBuilder();
        b.Stream("in", S).Process(() => new WallClockProbe(fired));
        using var d = new TopologyTestDriver(b.Build(), initialWallClockMs: 1_000);
        d.AdvanceWallClockTime(TimeSpan.FromMilliseconds(50));
        d.AdvanceWallClockTime(TimeSpan.FromMilliseconds(60));
        Assert.Equal([1_110L], fired); // due at 1 100, called with the clock time at which it fired
    }

    private sealed class SummingProcessor : IProcessor<string, long, string, long>
    {
        private IProcessorContext<string, long> _ctx = null!;
        private IKeyValueStore<string, long> _totals = null!;

        public void Init(IProcessorContext<string, long> context)
        {
            _ctx = context;
            _totals = context.GetStateStore<IKeyValueStore<string, long>>("totals");
            context.Schedule(TimeSpan.FromMilliseconds(10), PunctuationType.StreamTime, now =>
            {
                foreach (var kv in _totals.All()) _ctx.Forward(new Record<string, long>(kv.Key, kv.Value, now));
            });
        }

        public void Process(Record<string, long> record)
        {
            _totals.TryGet(record.Key!, out var total);
            _totals.Put(record.Key!, total + record.Value);
        }
    }

    private sealed class WallClockProbe(List<long> fired) : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) =>
            context.Schedule(TimeSpan.FromMilliseconds(100), PunctuationType.WallClockTime, fired.Add);

        public void Process(Record<string, string> record) { }
    }
}
