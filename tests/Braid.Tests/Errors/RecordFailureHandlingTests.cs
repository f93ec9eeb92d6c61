using System.Text;
using Braid.Processors;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Errors;

/// <summary>
/// KIP-1033 / KIP-1034 on the test driver: the processing handler runs at the node that threw, the production
/// handler at the sink, dead-letter records carry the source bytes and name where it failed, and an unhandled
/// failure is a <see cref="RecordProcessingException"/> naming node, topic, partition and offset.
/// </summary>
public class RecordFailureHandlingTests
{
    private static readonly Produced<string, string> Strings = Produced.With(Serdes.String, Serdes.String);

    /// <summary>in → MapValues (throws on "bad") → out1, and in → out2 (a sibling of the failing node).</summary>
    private static Topology MapAndCopy(out string mapName)
    {
        var b = new StreamsBuilder();
        var s = b.Stream("in", Consumed.With(Serdes.String, Serdes.String));
        s.MapValues(v => v == "bad" ? throw new InvalidOperationException("cannot map " + v) : v!.ToUpperInvariant(), "upper").To("out1", Strings);
        s.To("out2", Strings);
        mapName = "upper";
        return b.Build();
    }

    private static StreamsConfig Config(ProcessingExceptionHandler? processing = null, string? dlq = null,
        ProductionExceptionHandler? production = null) => new()
    {
        ApplicationId = "errors",
        OuterJoinEmitInterval = TimeSpan.Zero,
        ProcessingExceptionHandler = processing ?? ProcessingExceptionHandler.LogAndFail,
        ProductionExceptionHandler = production ?? ProductionExceptionHandler.LogAndFail,
        DeadLetterQueueTopic = dlq,
    };

    private static string Header(Headers? h, string key) =>
        h is not null && h.TryGetLast(key, out var v) && v.Value is not null ? Encoding.UTF8.GetString(v.Value) : "<absent>";

    [Fact]
    public void ProcessingError_DefaultHandler_FailsNamingNodeTopicPartitionOffset_WithTheUserExceptionInside()
    {
        using var d = new TopologyTestDriver(MapAndCopy(out var node), Config());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "good", 1);
        var e = Assert.Throws<RecordProcessingException>(() => input.PipeInput("k2", "bad", 2));
        Assert.Equal(node, e.NodeName);
        Assert.Equal("in", e.Topic);
        Assert.Equal(0, e.Partition);
        Assert.Equal(1, e.Offset);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains("in-0@1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessingError_Continue_DropsTheRecordAtTheFailingNodeOnly_SiblingsStillGetIt_AndItIsCounted()
    {
        using var d = new TopologyTestDriver(MapAndCopy(out var node), Config(ProcessingExceptionHandler.LogAndContinue()));
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "a", 1);
        input.PipeInput("k2", "bad", 2);
        input.PipeInput("k3", "c", 3);
        Assert.Equal(["A", "C"], d.CreateOutputTopic("out1", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["a", "bad", "c"], d.CreateOutputTopic("out2", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(1, d.DroppedRecords[node + ":processing-error"]);
    }

    [Fact]
    public void ProcessingError_WithDeadLetterTopic_WritesTheSourceBytesAndHeadersNamingExceptionNodeTopicPartitionOffset()
    {
        using var d = new TopologyTestDriver(MapAndCopy(out var node), Config(ProcessingExceptionHandler.LogAndContinue(), dlq: "dead"));
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "a", 1);
        input.PipeInput("k2", "bad", 7, new Headers().Add("trace", [1, 2]));
        var dead = d.CreateOutputTopic("dead", Serdes.ByteArray, Serdes.ByteArray).ReadRecordsToList();
        var r = Assert.Single(dead);
        Assert.Equal(Serdes.String.Serialize("k2"), r.Key);
        Assert.Equal(Serdes.String.Serialize("bad"), r.Value);
        Assert.Equal(7, r.Timestamp);
        Assert.Equal(typeof(InvalidOperationException).FullName, Header(r.Headers, ErrorHandlerContext.ExceptionHeader));
        Assert.Equal("cannot map bad", Header(r.Headers, ErrorHandlerContext.MessageHeader));
        Assert.Equal(node, Header(r.Headers, ErrorHandlerContext.NodeHeader));
        Assert.Equal("in", Header(r.Headers, ErrorHandlerContext.TopicHeader));
        Assert.Equal("0", Header(r.Headers, ErrorHandlerContext.PartitionHeader));
        Assert.Equal("1", Header(r.Headers, ErrorHandlerContext.OffsetHeader));
        Assert.True(r.Headers!.TryGetLast("trace", out _), "the source record's own headers are kept");
    }

    [Fact]
    public void ProcessingHandler_SeesTheRecordAsTheFailingNodeReceivedIt_AndTheSourceRecordsRawBytes()
    {
        var seen = new List<(ErrorHandlerContext Context, object? Key, object? Value)>();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .MapValues(v => v + "!", "exclaim")
            .Filter((_, v) => v == "bad!" ? throw new FormatException("nope") : true, "check")
            .To("out", Strings);
        using var d = new TopologyTestDriver(b.Build(), Config(new Recording(seen, ErrorHandlerResult.Continue)));
        d.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "bad", 5);
        var (ctx, key, value) = Assert.Single(seen);
        Assert.Equal("check", ctx.NodeName);
        Assert.Equal("k", key);
        Assert.Equal("bad!", value);
        Assert.Equal(Serdes.String.Serialize("bad"), ctx.SourceRawValue);
        Assert.Equal(new TaskId(0, 0), ctx.TaskId);
        Assert.Equal(5, ctx.Timestamp);
    }

    [Fact]
    public void AHandlerThatThrows_FailsTheTaskWithBothExceptions()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).MapValues(v => v == "v" ? throw new InvalidOperationException("user") : v, "m").To("out", Strings);
        using var d = new TopologyTestDriver(b.Build(), Config(new Throwing()));
        var e = Assert.Throws<RecordProcessingException>(() => d.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "v", 1));
        var both = Assert.IsType<AggregateException>(e.InnerException);
        Assert.Equal(["user", "handler"], both.InnerExceptions.Select(x => x.Message));
    }

    [Fact]
    public void FailingJoiner_Continue_WithDeadLetterTopic_SkipsOnlyThatJoinResult()
    {
        var b = new StreamsBuilder();
        var table = b.Table("prices", Consumed.With(Serdes.String, Serdes.String));
        b.Stream("orders", Consumed.With(Serdes.String, Serdes.String))
            .Join(table, (o, p) => p == "poison" ? throw new ArgumentException("bad price") : o + "@" + p)
            .To("priced", Strings);
        using var d = new TopologyTestDriver(b.Build(), Config(ProcessingExceptionHandler.LogAndContinue(), dlq: "dead"));
        var prices = d.CreateInputTopic("prices", Serdes.String, Serdes.String);
        var orders = d.CreateInputTopic("orders", Serdes.String, Serdes.String);
        prices.PipeInput("a", "1", 1);
        prices.PipeInput("b", "poison", 1);
        orders.PipeInput("a", "o1", 2);
        orders.PipeInput("b", "o2", 3);
        orders.PipeInput("a", "o3", 4);
        Assert.Equal(["o1@1", "o3@1"], d.CreateOutputTopic("priced", Serdes.String, Serdes.String).ReadValuesToList());
        var dead = Assert.Single(d.CreateOutputTopic("dead", Serdes.String, Serdes.String).ReadRecordsToList());
        Assert.Equal("o2", dead.Value);
        Assert.Equal("orders", Header(dead.Headers, ErrorHandlerContext.TopicHeader));
        Assert.Equal("1", Header(dead.Headers, ErrorHandlerContext.OffsetHeader));
    }

    [Fact]
    public void SerializationErrorAtASink_GoesToTheProductionHandler_FailNamesTheSinkAndTopic_ContinueDropsTheOutput()
    {
        static Topology Build()
        {
            var b = new StreamsBuilder();
            b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).To("out", Produced.With(Serdes.String, new RefusingSerde()));
            return b.Build();
        }
        using (var failing = new TopologyTestDriver(Build(), Config()))
        {
            var e = Assert.Throws<RecordProcessingException>(() => failing.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "refuse", 1));
            Assert.Contains("'out'", e.Message, StringComparison.Ordinal);
            Assert.StartsWith("KSTREAM-SINK", e.NodeName, StringComparison.Ordinal);
            Assert.IsType<SerializationException>(e.InnerException);
        }
        using var skipping = new TopologyTestDriver(Build(), Config(production: ProductionExceptionHandler.LogAndContinue(), dlq: "dead"));
        var input = skipping.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "refuse", 1);
        input.PipeInput("k2", "fine", 2);
        Assert.Equal(["fine"], skipping.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal("refuse", Assert.Single(skipping.CreateOutputTopic("dead", Serdes.String, Serdes.String).ReadValuesToList()));
    }

    [Fact]
    public void AWallClockPunctuatorThatThrows_GoesToTheProcessingHandler_WithNoSourceRecord()
    {
        var seen = new List<(ErrorHandlerContext Context, object? Key, object? Value)>();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).Process(() => new PunctuatesAndThrows()).To("out", Strings);
        using var d = new TopologyTestDriver(b.Build(), Config(new Recording(seen, ErrorHandlerResult.Continue)));
        d.AdvanceWallClockTime(TimeSpan.FromSeconds(1));
        var (ctx, _, _) = Assert.Single(seen);
        Assert.Null(ctx.Topic);
        Assert.Equal("punctuator", ctx.NodeName);
        Assert.Equal(1, d.DroppedRecords["punctuator:punctuation-error"]);
    }

    private sealed class Recording(List<(ErrorHandlerContext, object?, object?)> seen, ErrorHandlerResult result) : ProcessingExceptionHandler
    {
        public override ErrorHandlerResult Handle(ErrorHandlerContext context, object? key, object? value, Exception exception)
        {
            seen.Add((context, key, value));
            return result;
        }
    }

    private sealed class Throwing : ProcessingExceptionHandler
    {
        public override ErrorHandlerResult Handle(ErrorHandlerContext context, object? key, object? value, Exception exception) =>
            throw new InvalidOperationException("handler");
    }

    private sealed class RefusingSerde : Serde<string>
    {
        public override byte[] Serialize(string value) => value == "refuse" ? throw new FormatException("refused") : Encoding.UTF8.GetBytes(value);

        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private sealed class PunctuatesAndThrows : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) =>
            context.Schedule(TimeSpan.FromMilliseconds(500), PunctuationType.WallClockTime, _ => throw new InvalidOperationException("tick"));

        public void Process(Record<string, string> record) { }
    }
}
