using Braid.RocksDb;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Kafka.Tests;

/// <summary>
/// Lag-aware assignment counts task state left on disk by a previous run (<see cref="Internal.OnDiskTaskLags"/>), as Kafka
/// Streams does with the offset sums of every task directory a client has: when the whole application restarts, each task
/// goes to the instance keeping its state, which restores only the changelog's tail, not to a member without state.
/// </summary>
public sealed class OnDiskLagAssignmentTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 6;
    private const string AppId = "ondisk";
    private const int Rewound = 20;
    private readonly KafkaTestCluster _k = new();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "braid-ondisk-" + Guid.NewGuid().ToString("N")[..8]);
    private string Input => _k.Prefix + "clicks";
    private string Output => _k.Prefix + "counts";

    private BraidKafkaApplication App(string name) =>
        _k.App(Topologies.Count(Input, Output), AppId, _k.Options(name + ":1") with
        {
            StateDirectory = Path.Combine(_root, name), TaskAssignment = TaskAssignment.LagAware, AcceptableRecoveryLag = 50,
        });

    // Bug caught: the on-disk copies not announced (the mutation: OnDiskTaskLags.AddCopies adding nothing) — then neither instance
    // counts as having a copy, both ask for every task ("no copy: anyone"), and the group gives b about half of them, which it
    // restores from the changelog's start. (Without the one-generation join a's join completes before b asks, and a's held
    // tasks count as caught up: the test would pass under the mutation — measured.)
    [Fact]
    public async Task After_a_restart_every_task_goes_to_the_instance_with_its_state_on_disk_which_restores_only_the_tail()
    {
        _k.CreateTopic(Input, Partitions);
        _k.CreateTopic(Output, Partitions);
        var first = App("a");
        await first.StartAsync();
        var clicks = Enumerable.Range(0, 1200).Select(i => ("u" + (i % 97), (string?)("click" + i), 1000L + i)).ToList();
        _k.Produce(Input, Serdes.String, Serdes.String, clicks);
        await KafkaTestCluster.WaitUntilAsync(() => first.State == StreamsState.Running && first.ActiveTasks.Count == Partitions
            && first.ProcessedRecords >= clicks.Count, TimeSpan.FromSeconds(60), "a alone counts every click");
        await first.CloseAsync(); // commits: the stores and their checkpoints stay in a's state directory
        long tail = RewindCheckpoints(Path.Combine(_root, "a", _k.Prefix + AppId));

        // Both instances join one generation (the group waits 3 s for more members after the first joins), so neither holds a
        // task when the other first decides what to ask for: only the announced copies can tell them apart.
        // (A real broker does so by default: group.initial.rebalance.delay.ms = 3 s.)
        if (_k.IsMock) _k.Mock.SetGroupInitialRebalanceDelay(3000);
        var a = App("a");
        await a.StartAsync(); // announces its copies before it returns
        var b = App("b");
        await b.StartAsync();
        string View() => $"a: [{string.Join(",", a.ActiveTasks)}] restored {a.RestoredRecords}; b: [{string.Join(",", b.ActiveTasks)}] restored {b.RestoredRecords}";
        // The first moment every task runs somewhere: who took which (b may take some over later, once warm-up replicas of
        // them caught up there, as Kafka's balance does; such a move restores nothing on b, as the warm-up is caught up).
        await KafkaTestCluster.WaitUntilAsync(() => a.ActiveTasks.Concat(b.ActiveTasks).Distinct().Count() == Partitions,
            TimeSpan.FromSeconds(60), "every task running");
        var onB = b.ActiveTasks.ToList();
        output.WriteLine($"tail {tail} records; at first: {View()}");
        Assert.True(onB.Count == 0, $"b (no state) took [{string.Join(",", onB)}] while a had them on disk: {View()}");
        Assert.True(a.RestoredRecords > 0 && a.RestoredRecords <= tail, $"a restored {a.RestoredRecords} records, the tail is {tail}: {View()}");
        Assert.Equal(0, b.RestoredRecords);
        Assert.Null(a.Error);
        Assert.Null(b.Error);
    }

    /// <summary>
    /// Moves every checkpoint back by <see cref="Rewound"/> records (a copy the changelog has moved past, as a previous run's
    /// state is once another instance ran on): replaying those records is idempotent for the count store, so the restored
    /// state is right, and the tail to restore is known. Returns the tail's size.
    /// </summary>
    private static long RewindCheckpoints(string directory)
    {
        using var backend = RocksDbStateBackend.Open(directory);
        var checkpoints = backend.ReadMetadataPrefix("kafka.checkpoint/").ToList();
        Assert.Equal(Partitions, checkpoints.Count);
        long tail = 0;
        var rewound = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (key, value) in checkpoints)
        {
            long next = Braid.Internal.Runtime.CommitMetadata.Decode(value)!.Value;
            long back = Math.Min(Rewound, next);
            tail += back;
            rewound[key] = Braid.Internal.Runtime.CommitMetadata.Encode(next - back);
        }
        backend.Commit([], rewound);
        return tail;
    }

    public void Dispose()
    {
        _k.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
