using Braid.Processors;
using Braid.Serialization;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// Objects that outlive their application's close — a producer a background loop still holds, a stream thread the
/// close timeout abandoned — while another application already opened the same directory. A closed log must not
/// write: its in-memory end and file positions are stale, so a write lands on the new owner's records.
/// </summary>
public class UseAfterCloseTests
{
    /// <summary>
    /// Before: the closed log reopened its segment file on demand and wrote at its old end — over the records the next
    /// application had appended there (same offsets, valid checksums): the new owner's input silently replaced.
    /// </summary>
    [Fact]
    public async Task SendOnAProducerOfAClosedApplication_Throws_AndTheNextOwnersRecordsStay()
    {
        using var dir = new TempDir();
        var first = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path));
        var stale = first.CreateProducer("in", Serdes.String, Serdes.String);
        stale.Send("k", "old-0", 1000);
        await first.CloseAsync();

        await using var second = new BraidApplication(CountingTopology.Build(), TestOptions.For(dir.Path));
        second.CreateProducer("in", Serdes.String, Serdes.String).Send(Enumerable.Range(1, 5).Select(i => new TopicRecord<string, string>("k", "new-" + i, 1000 + i)));
        Assert.Throws<ObjectDisposedException>(() => stale.Send("k", "stale", 2000));
        Assert.Equal(["old-0", "new-1", "new-2", "new-3", "new-4", "new-5"],
            second.CreateReader("in", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value));
    }

    /// <summary>Blocks inside processing until the test lets it go (a call that outlives the close timeout).</summary>
    private sealed class Blocking(ManualResetEventSlim gate, ManualResetEventSlim entered) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string>? _ctx;

        public void Init(IProcessorContext<string, string> context) => _ctx = context;

        public void Process(Record<string, string> record)
        {
            if (record.Value == "v2")
            {
                entered.Set();
                gate.Wait();
            }
            _ctx!.Forward(record.WithValue(record.Value!.ToUpperInvariant()));
        }
    }

    private static Topology Build(ManualResetEventSlim gate, ManualResetEventSlim entered)
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String)).Process(() => new Blocking(gate, entered)).To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>
    /// A close whose timeout abandons a thread stuck in a processor releases the directory; the next application runs and
    /// commits its output. Before: when the abandoned thread woke, its final commit appended to the closed output log at
    /// its stale end (over the new owner's committed records), its state write failed (backend disposed), and cutting the
    /// failed commit truncated the file to the old visible end — the new owner's committed output gone, its next open a
    /// CorruptLogException. Now the closed logs refuse the write and the new owner's output stays whole.
    /// </summary>
    [Fact]
    public async Task AThreadAbandonedByTheCloseTimeout_CannotWriteIntoTheNextOwnersLogs()
    {
        using var dir = new TempDir();
        using var gate = new ManualResetEventSlim(false);
        using var entered = new ManualResetEventSlim(false);
        var first = new BraidApplication(Build(gate, entered), TestOptions.For(dir.Path));
        first.CreateProducer("in", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 5).Select(i => new TopicRecord<string, string>("k", "v" + i, 1000 + i)));
        await first.StartAsync();
        Assert.True(entered.Wait(TestOptions.Idle));
        await first.CloseAsync(TimeSpan.FromMilliseconds(50)); // v0, v1 processed and buffered; the thread is stuck in v2

        using var neverBlocks = new ManualResetEventSlim(true);
        using var unused = new ManualResetEventSlim(false);
        await using (var second = new BraidApplication(Build(neverBlocks, unused), TestOptions.For(dir.Path)))
        {
            await second.StartAsync();
            await second.WaitForIdleAsync(TestOptions.Idle);
        }
        gate.Set(); // the abandoned thread finishes v2 and tries its final commit
        await Task.Delay(500);

        await using var third = new BraidApplication(Build(neverBlocks, unused), TestOptions.For(dir.Path));
        Assert.Equal(["V0", "V1", "V2", "V3", "V4"], third.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value));
    }
}
