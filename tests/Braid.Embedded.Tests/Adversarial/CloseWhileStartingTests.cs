using Braid.Processors;
using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>A close that arrives while <c>StartAsync</c> is still creating and restoring tasks.</summary>
public class CloseWhileStartingTests
{
    private sealed class SlowInit : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string>? _ctx;

        public void Init(IProcessorContext<string, string> context)
        {
            _ctx = context;
            Thread.Sleep(400); // a long restore
        }

        public void Process(Record<string, string> record) => _ctx!.Forward(record);
    }

    private static Topology Build()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).Process(() => new SlowInit()).To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>
    /// Before: the start failed on the disposed state ("Cannot access a disposed object"), reported it as the application's
    /// fatal error, and moved the closed application from NotRunning to Error. A close is not a failure: the start
    /// ends with an error saying it was closed, the application ends NotRunning with no error, and the directory opens again.
    /// </summary>
    [Fact]
    public async Task CloseDuringStart_EndsNotRunningWithoutError_AndTheStartSaysItWasClosed()
    {
        using var dir = new TempDir();
        var app = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 4));
        app.CreateProducer("in", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 8).Select(i => new TopicRecord<string, string>("k" + i, "v" + i, 1000 + i)));
        var states = new List<StreamsState>();
        app.StateChanged += (_, e) => { lock (states) states.Add(e.NewState); };
        var start = app.StartAsync();
        await Task.Delay(200);
        await app.CloseAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        Assert.Contains("closed while starting", e.Message);
        await Task.Delay(300); // a late state change would land here
        Assert.Equal(StreamsState.NotRunning, app.State);
        Assert.Null(app.Error);
        lock (states) Assert.DoesNotContain(StreamsState.Error, states);

        await using var again = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 4));
        await again.StartAsync();
        await again.WaitForIdleAsync(TestOptions.Idle);
        Assert.Equal(8, again.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Count);
    }
}
