using Braid.Processors;
using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>Timestamps a processor sets on its output, at the edges of what a log can carry.</summary>
public class ExtremeTimestampTests
{
    /// <summary>Forwards every record, one of them with a timestamp the processor computed wrongly.</summary>
    private sealed class Retimestamp(long badTimestamp) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string>? _ctx;

        public void Init(IProcessorContext<string, string> context) => _ctx = context;

        public void Process(Record<string, string> record) =>
            _ctx!.Forward(record.Value == "v3" ? record.WithTimestamp(badTimestamp) : record);
    }

    /// <summary>
    /// A negative timestamp forwarded into a repartition topic: it used to be written, and the downstream task then
    /// failed at its source on every start ("has a negative timestamp") — a poison record in an internal topic that no
    /// handler could skip. As in Kafka's SinkNode, the sink refuses it inside the upstream record's processing, so the
    /// processing exception handler decides (here: continue), and everything else is counted once.
    /// </summary>
    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public async Task ANegativeTimestampForwardedToARepartitionTopic_GoesToTheProcessingHandler_NotToTheDownstreamTask(long badTimestamp)
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).Process(() => new Retimestamp(badTimestamp))
            .GroupBy((_, v) => "g" + (int.Parse(v!.AsSpan(1)) % 2), Grouped.With(Serdes.String, Serdes.String) with { Name = "regroup" })
            .Count(Materialized.As<string, long>("counts")).ToStream().To("counts-out", Produced.With(Serdes.String, Serdes.Int64));
        var options = TestOptions.For(dir.Path, partitions: 2) with
        {
            Streams = new StreamsConfig { ApplicationId = "ts-app", ProcessingExceptionHandler = ProcessingExceptionHandler.LogAndContinue() },
        };
        await using var app = new BraidApplication(b.Build(), options);
        app.CreateProducer("in", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 10).Select(i => new TopicRecord<string, string>("k" + i, "v" + i, 1000 + i)));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(StreamsState.Running, app.State);
        var counts = new Dictionary<string, long>();
        foreach (var r in app.CreateReader("counts-out", Serdes.String, Serdes.Int64).ReadToEnd()) counts[r.Key!] = r.Value;
        Assert.Equal(5, counts["g0"]);
        Assert.Equal(4, counts["g1"]); // v3 dropped by the handler
    }
}
