using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// Topology changes under one application id: a different task list is refused or fenced (topology fingerprint on
/// the task topic), and partition counts changing under a running application stop it with a clear error.
/// </summary>
public sealed class TopologyChangeTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _input, _output, _other;

    public TopologyChangeTests()
    {
        _input = _k.Prefix + "words";
        _output = _k.Prefix + "counts";
        _other = _k.Prefix + "totals";
        foreach (var t in new[] { _input, _output, _other }) _k.CreateTopic(t, Partitions);
    }

    // Same sources, same task count (one sub-topology over 2 partitions), but another store and output: task 0_0 means
    // different work in each.
    private Topology Other()
    {
        var b = new StreamsBuilder();
        b.Stream(_input, Consumed.With(Serdes.String, Serdes.String)).GroupByKey().Count(Materialized.As<string, long>("totals"))
            .ToStream().To(_other, Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    // The counting topology with a filter added inside its sub-topology: same stores and topics, so compatible.
    private Topology CountWithFilter()
    {
        var b = new StreamsBuilder();
        b.Stream(_input, Consumed.With(Serdes.String, Serdes.String)).Filter((_, v) => v is not null).GroupByKey()
            .Count(Materialized.As<string, long>("counts")).ToStream().To(_output, Produced.With(Serdes.String, Serdes.Int64));
        return b.Build();
    }

    private async Task ProduceAndWaitAsync(BraidKafkaApplication app, int n)
    {
        long before = app.ProcessedRecords;
        _k.Produce(_input, Serdes.String, Serdes.String, Enumerable.Range(0, n).Select(i => ("w" + (i % 7), (string?)"x", 1000L + i)));
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords - before >= n, TimeSpan.FromSeconds(30), "records processed");
    }

    // Bug caught: with the same task count, an instance of another topology joined the group and ran different work under
    // the same task ids (duplicated output, interleaved changelog writes), with no check at all.
    [Fact]
    public async Task A_different_topology_with_the_same_task_count_is_refused_naming_both_while_a_compatible_change_joins()
    {
        var a = _k.App(Topologies.Count(_input, _output), "topo");
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));

        var other = _k.App(Other(), "topo");
        var e = await Assert.ThrowsAsync<TopologyException>(() => other.StartAsync());
        Assert.Contains("refused", e.Message);
        Assert.Contains("counts:", e.Message); // the topology in force
        Assert.Contains("totals:", e.Message); // this instance's
        Assert.Empty(other.ActiveTasks);

        // A filter inside the sub-topology changes no task: that instance joins and shares the tasks.
        var compatible = _k.App(CountWithFilter(), "topo");
        await compatible.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => compatible.ActiveTasks.Count > 0 && a.ActiveTasks.Count + compatible.ActiveTasks.Count == Partitions,
            TimeSpan.FromSeconds(60), "the compatible instance took a share");
        Assert.Equal(StreamsState.Running, a.State);
    }

    // Bug caught: an instance of the old topology still running after the new one took over kept processing under task
    // ids that now mean different work.
    [Fact]
    public async Task A_topology_change_allowed_explicitly_takes_over_and_fences_the_old_instances()
    {
        var a = _k.App(Topologies.Count(_input, _output), "takeover");
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        await ProduceAndWaitAsync(a, 20);

        var next = _k.App(Other(), "takeover", _k.Options() with { AllowTopologyChange = true });
        await next.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Error, TimeSpan.FromSeconds(60), "the old instance fenced");
        var fenced = Assert.IsType<TopologyException>(a.Error);
        Assert.Contains("fenced", fenced.Message);
        await KafkaTestCluster.WaitUntilAsync(() => next.ActiveTasks.Count == Partitions && next.State == StreamsState.Running,
            TimeSpan.FromSeconds(60), "the new topology runs every task");
        await ProduceAndWaitAsync(next, 20);

        // The old topology cannot come back without the same explicit step.
        var old = _k.App(Topologies.Count(_input, _output), "takeover");
        await Assert.ThrowsAsync<TopologyException>(() => old.StartAsync());
    }

    // Bug caught: partitions added to an input went unnoticed; keys hash to other partitions, so to tasks whose state
    // does not hold them (aggregates restart from zero, joins miss).
    [Fact]
    public async Task Partitions_added_to_an_input_topic_stop_the_instance_with_an_error_naming_the_topic()
    {
        var app = _k.App(Topologies.Count(_input, _output), "grow-input", FastMetadata());
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        await ProduceAndWaitAsync(app, 10);

        _k.AddPartitions(_input, Partitions + 1);
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(60), "stopped");
        var e = Assert.IsType<TopologyException>(app.Error);
        Assert.Contains($"'{_input}' now has {Partitions + 1} partitions", e.Message);
        Assert.Contains($"laid out for {Partitions}", e.Message);
    }

    // Bug caught: a partition added to the task topic made the rebalance callback index past the task list and crash
    // with an unrelated exception (now: a TopologyException naming the task topic, from the watch or the callback).
    [Fact]
    public async Task Partitions_added_to_the_task_topic_stop_the_instance_with_a_topology_error()
    {
        var app = _k.App(Topologies.Count(_input, _output), "grow-tasks", FastMetadata());
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        string tasks = app.Layout!.TasksTopic;

        _k.AddPartitions(tasks, Partitions + 1);
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(60), "stopped");
        var e = Assert.IsType<TopologyException>(app.Error);
        Assert.Contains(tasks, e.Message);
    }

    // Bug caught: (the callback path alone) the partition watch blinded, only the group member's assignment callback sees the
    // task topic's new partition; the instance must still reach Error, and promptly: the stop takes the thread's close only.
    [Fact]
    public async Task A_task_topic_partition_seen_only_by_the_assignment_callback_stops_the_instance_promptly()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var admins = new List<FrozenTopicAdmin>();
        var app = _k.App(Topologies.Count(_input, _output), "grow-tasks-callback", FastMetadata(), admin: inner =>
        {
            var frozen = new FrozenTopicAdmin(inner, seen);
            lock (admins) admins.Add(frozen);
            return frozen;
        });
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        string tasks = app.Layout!.TasksTopic;
        var failed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.StateChanged += (_, c) =>
        {
            if (c.NewState == StreamsState.Error) failed.TrySetResult(DateTime.UtcNow);
        };

        _k.AddPartitions(tasks, Partitions + 1);
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(60), "stopped");
        var e = Assert.IsType<TopologyException>(app.Error);
        Assert.Contains($"has a partition {Partitions}", e.Message); // the callback's message, not the watch's
        lock (admins) Assert.True(admins.Sum(a => a.Masked) > 0, "the watch was not blinded");
    }

    private KafkaStreamsOptions FastMetadata() => _k.Options() with
    {
        ClientSettings = new Dictionary<string, string>(_k.Options().ClientSettings) { ["topic.metadata.refresh.interval.ms"] = "500" },
    };

    public void Dispose() => _k.Dispose();
}
