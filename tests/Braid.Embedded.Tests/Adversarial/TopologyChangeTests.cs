using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// Restarting a state directory with a changed topology. Committed offsets and state are filed by task
/// (sub-topology number, partition), so a change that renumbers sub-topologies must be refused, not run with
/// other tasks' offsets; compatible changes run on exactly once; a topic the old topology only read keeps its records.
/// </summary>
public class TopologyChangeTests
{
    private static Topology Counting(string? streamBefore = null, string? streamAfter = null)
    {
        var b = new StreamsBuilder();
        if (streamBefore is not null) b.Stream(streamBefore, Consumed.With(Serdes.String, Serdes.String)).To(streamBefore + "-out", Produced.With(Serdes.String, Serdes.String));
        var input = b.Stream("in", Consumed.With(Serdes.String, Serdes.String));
        input.MapValues(v => v!.ToUpperInvariant()).To("out", Produced.With(Serdes.String, Serdes.String));
        input.GroupByKey().Count(Materialized.As<string, long>("counts")).ToStream().To("counts-out", Produced.With(Serdes.String, Serdes.Int64));
        if (streamAfter is not null) b.Stream(streamAfter, Consumed.With(Serdes.String, Serdes.String)).To(streamAfter + "-out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static async Task RunToIdle(Topology topology, string dir, int from, int count)
    {
        await using var app = new BraidApplication(topology, TestOptions.For(dir));
        CountingTopology.Produce(app, from, count);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
    }

    /// <summary>
    /// A stream declared before the existing ones shifts every sub-topology number: without the check the counting
    /// task found no committed offset under its new number and reprocessed all 20 old inputs (50 outputs for 30
    /// inputs under exactly-once). The refusal names the sub-topology and leaves the directory usable.
    /// </summary>
    [Fact]
    public async Task AStreamDeclaredBeforeTheExistingOnes_IsRefusedAtOpen_AndNothingIsProcessedTwice()
    {
        using var dir = new TempDir();
        await RunToIdle(Counting(), dir.Path, 0, 20);
        var e = Assert.Throws<TopologyException>(() => new BraidApplication(Counting(streamBefore: "other"), TestOptions.For(dir.Path)));
        Assert.Contains("sub-topology 0: was reads [in], now reads [other]", e.Message);
        Assert.Contains(dir.Path, e.Message);
        await RunToIdle(Counting(), dir.Path, 20, 10);
        await using var app = new BraidApplication(Counting(), TestOptions.For(dir.Path));
        CountingTopology.AssertExactlyOnce(app, 30);
    }

    /// <summary>Compatible changes (a stream added after the existing ones, logic inside a sub-topology) run on exactly once.</summary>
    [Fact]
    public async Task AStreamAddedAfterTheExistingOnes_IsAccepted_AndTheOldTasksContinueExactlyOnce()
    {
        using var dir = new TempDir();
        await RunToIdle(Counting(), dir.Path, 0, 20);
        await RunToIdle(Counting(streamAfter: "other"), dir.Path, 20, 10);
        await using var app = new BraidApplication(Counting(streamAfter: "other"), TestOptions.For(dir.Path));
        CountingTopology.AssertExactlyOnce(app, 30);
    }

    /// <summary>
    /// A topic the old topology only read (records a producer sent) that the new topology also writes: under exactly-once
    /// recovery cut every written log back to its committed high-water mark, and this one had none — it was cut to 0,
    /// deleting the producer's records, and the open then failed blaming "a truncated or deleted file".
    /// </summary>
    [Fact]
    public async Task ATopicTheOldTopologyOnlyRead_WrittenByTheNewOne_KeepsEveryRecord()
    {
        static Topology Build(bool feedBack)
        {
            var b = new StreamsBuilder();
            b.Stream("x", Consumed.With(Serdes.String, Serdes.String)).GroupByKey().Count(Materialized.As<string, long>("cx"))
                .ToStream().To("cx-out", Produced.With(Serdes.String, Serdes.Int64));
            if (feedBack) b.Stream("y", Consumed.With(Serdes.String, Serdes.String)).To("x", Produced.With(Serdes.String, Serdes.String));
            return b.Build();
        }
        using var dir = new TempDir();
        await using (var app = new BraidApplication(Build(false), TestOptions.For(dir.Path)))
        {
            app.CreateProducer("x", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 10).Select(i => new TopicRecord<string, string>("k", "v" + i, 100 + i)));
            await app.StartAsync();
            await app.WaitForIdleAsync(TestOptions.Idle);
        }
        await using var changed = new BraidApplication(Build(true), TestOptions.For(dir.Path));
        changed.CreateProducer("y", Serdes.String, Serdes.String).Send(Enumerable.Range(10, 3).Select(i => new TopicRecord<string, string>("k", "v" + i, 100 + i)));
        await changed.StartAsync();
        await changed.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(Enumerable.Range(0, 13).Select(i => "v" + i), changed.CreateReader("x", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value));
        Assert.Equal(13, changed.CreateReader("cx-out", Serdes.String, Serdes.Int64).ReadToEnd().Last().Value);
    }
}
