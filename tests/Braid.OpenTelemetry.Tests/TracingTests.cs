using System.Diagnostics;
using Braid.Embedded;
using Braid.Serialization;
using Braid.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Braid.OpenTelemetry.Tests;

public sealed class TracingTests
{
    private static TracerProvider Tracer(List<Activity> spans) =>
        Sdk.CreateTracerProviderBuilder().AddBraidInstrumentation().AddInMemoryExporter(spans).Build()!;

    [Fact]
    public void ProcessSpansChainFromTheProducerThroughARepartitionToTheOutputHeaders()
    {
        var spans = new List<Activity>();
        var trace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        using (var provider = Tracer(spans))
        using (var driver = new TopologyTestDriver(Pipeline.Build("clicks", "shouted"), new StreamsConfig { ApplicationId = "tr" }))
        {
            driver.CreateInputTopic("clicks", Serdes.String, Serdes.String)
                .PipeInput("k", "alice:home", 1_000, Pipeline.TraceHeaders(trace, producerSpan, "vendor=1"));
            var output = driver.CreateOutputTopic("shouted", Serdes.String, Serdes.String).ReadRecordsToList();

            var mine = spans.Where(s => s.TraceId == trace).ToList();
            var first = Assert.Single(mine, s => s.DisplayName == "process clicks");
            var second = Assert.Single(mine, s => s.DisplayName == "process clicks-by-user-repartition");
            Assert.Equal(producerSpan, first.ParentSpanId);
            Assert.Equal(first.SpanId, second.ParentSpanId);
            Assert.Equal(ActivityKind.Consumer, first.Kind);
            Assert.Equal("clicks", first.GetTagItem("messaging.destination.name"));
            Assert.Equal("kafka", first.GetTagItem("messaging.system"));
            Assert.Equal("tr", first.GetTagItem("messaging.consumer.group.name"));
            // The output carries the span that wrote it, the trace state, and the record's other headers.
            var record = Assert.Single(output);
            Assert.Equal($"00-{trace}-{second.SpanId}-01", Pipeline.Header(record.Headers, BraidTelemetry.TraceParentHeader));
            Assert.Equal("vendor=1", Pipeline.Header(record.Headers, BraidTelemetry.TraceStateHeader));
            Assert.Equal(1, record.Headers!.Count(h => h.Key == BraidTelemetry.TraceParentHeader));
            Assert.Contains(record.Headers!, h => h.Key == "other");
        }
    }

    [Fact]
    public void TheInputRecordsHeadersAreNotRewritten()
    {
        var spans = new List<Activity>();
        var trace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        var headers = Pipeline.TraceHeaders(trace, producerSpan);
        using var provider = Tracer(spans);
        using var driver = new TopologyTestDriver(Pipeline.Build("views", "out"), new StreamsConfig { ApplicationId = "tr" });
        driver.CreateInputTopic("views", Serdes.String, Serdes.String).PipeInput("k", "bob:cart", 1_000, headers);
        Assert.Single(driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecordsToList());
        Assert.Equal($"00-{trace}-{producerSpan}-01", Pipeline.Header(headers, BraidTelemetry.TraceParentHeader));
        Assert.Equal(2, headers.Count);
    }

    [Fact]
    public void WithoutAListenerNoSpanIsMadeAndHeadersPassThroughAsTheyCame()
    {
        Assert.False(BraidTestSource.HasListeners(), "a listener from another test is still attached");
        var trace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        using var driver = new TopologyTestDriver(Pipeline.Build("quiet", "quiet-out"), new StreamsConfig { ApplicationId = "tr" });
        var input = driver.CreateInputTopic("quiet", Serdes.String, Serdes.String);
        input.PipeInput("k", "carol:home", 1_000, Pipeline.TraceHeaders(trace, producerSpan));
        input.PipeInput("k", "dan:home", 2_000);
        var output = driver.CreateOutputTopic("quiet-out", Serdes.String, Serdes.String).ReadRecordsToList();
        Assert.Equal($"00-{trace}-{producerSpan}-01", Pipeline.Header(output[0].Headers, BraidTelemetry.TraceParentHeader));
        Assert.Null(Pipeline.Header(output[1].Headers, BraidTelemetry.TraceParentHeader));
    }

    [Fact]
    public void AMalformedTraceParentStartsANewTraceAndTheRecordIsStillProcessed()
    {
        var spans = new List<Activity>();
        using var provider = Tracer(spans);
        using var driver = new TopologyTestDriver(Pipeline.Build("broken", "broken-out"), new StreamsConfig { ApplicationId = "tr" });
        var headers = new Headers().Add(BraidTelemetry.TraceParentHeader, "00-not-a-trace"u8.ToArray());
        driver.CreateInputTopic("broken", Serdes.String, Serdes.String).PipeInput("k", "erin:home", 1_000, headers);
        var record = Assert.Single(driver.CreateOutputTopic("broken-out", Serdes.String, Serdes.String).ReadRecordsToList());
        var first = Assert.Single(spans, s => s.DisplayName == "process broken");
        Assert.Equal(default, first.ParentSpanId);
        Assert.StartsWith($"00-{first.TraceId}-", Pipeline.Header(record.Headers, BraidTelemetry.TraceParentHeader));
    }

    [Fact]
    public async Task OnTheEmbeddedRuntimeTheTraceCrossesTheRepartitionAndCommitAndRestoreSpansAreMade()
    {
        var spans = new List<Activity>();
        var trace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        var dir = Directory.CreateTempSubdirectory("braid-otel-").FullName;
        try
        {
            using var provider = Tracer(spans);
            await using (var app = new BraidApplication(Pipeline.Build("orders", "orders-out"), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "otel" }, StateDirectory = dir,
            }))
            {
                app.CreateProducer<string, string>("orders").Send("k", "frank:pay", 1_000, Pipeline.TraceHeaders(trace, producerSpan));
                await app.StartAsync();
                await app.WaitForIdleAsync(TimeSpan.FromSeconds(60));
                var record = Assert.Single(app.CreateReader<string, string>("orders-out").ReadToEnd());
                provider.ForceFlush();
                Activity[] mine;
                lock (spans) mine = spans.Where(s => s.TraceId == trace).ToArray();
                var first = Assert.Single(mine, s => s.DisplayName == "process orders");
                var second = Assert.Single(mine, s => s.DisplayName == "process orders-by-user-repartition");
                Assert.Equal(producerSpan, first.ParentSpanId);
                Assert.Equal(first.SpanId, second.ParentSpanId);
                Assert.Equal($"00-{trace}-{second.SpanId}-01", Pipeline.Header(record.Headers, BraidTelemetry.TraceParentHeader));
            }
            lock (spans)
            {
                Assert.Contains(spans, s => s.DisplayName == "commit" && s.GetTagItem("messaging.operation.name") as string == "commit");
                Assert.Contains(spans, s => s.DisplayName.StartsWith("restore task", StringComparison.Ordinal));
                // A commit is not part of any record's trace.
                Assert.DoesNotContain(spans, s => s.DisplayName == "commit" && s.TraceId == trace);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A second handle on the "Braid" source: HasListeners answers for every source of that name.</summary>
    private static readonly ActivitySource BraidTestSource = new(BraidTelemetry.ActivitySourceName);
}
