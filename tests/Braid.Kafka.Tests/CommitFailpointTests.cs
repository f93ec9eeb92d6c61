using Braid.Internal.Faults;
using Braid.Kafka.Internal;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// An instance that dies at each step of a commit (an I/O error injected at a failpoint ends its thread there, with
/// no further commit) and restarts from its state directory: counts per key show lost or doubled work.
/// </summary>
[Collection(SerialCollection.Name)] // arms process-wide failpoints
public sealed class CommitFailpointTests : IDisposable
{
    private const int Partitions = 2;
    private readonly KafkaTestCluster _k = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braid-fp-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _input, _output;

    public CommitFailpointTests()
    {
        _input = _k.Prefix + "clicks";
        _output = _k.Prefix + "counts";
        foreach (var t in new[] { _input, _output }) _k.CreateTopic(t, Partitions);
    }

    private static List<(string, string?, long)> Clicks(int from, int n) =>
        Enumerable.Range(from, n).Select(i => ("u" + (i % 11), (string?)("click" + i), 1000L + i)).ToList();

    private async Task<Dictionary<string, long>> DieAtThenRestartAsync(string failpoint, ProcessingGuarantee guarantee)
    {
        var options = _k.Options(guarantee: guarantee) with { StateDirectory = _dir };
        var first = _k.App(Topologies.Count(_input, _output), "fp", options);
        await first.StartAsync();
        await first.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));
        _k.Produce(_input, Serdes.String, Serdes.String, Clicks(0, 100));
        await KafkaTestCluster.WaitUntilAsync(() => first.ProcessedRecords >= 100 && first.Commits > 0, TimeSpan.FromSeconds(20), "first clicks committed");
        Failpoints.Arm(failpoint, FailpointAction.IoError);
        try
        {
            _k.Produce(_input, Serdes.String, Serdes.String, Clicks(100, 100));
            await KafkaTestCluster.WaitUntilAsync(() => first.State == StreamsState.Error, TimeSpan.FromSeconds(30), "the instance dies at " + failpoint);
            Assert.IsType<InjectedIOException>(first.Error);
        }
        finally
        {
            Failpoints.Reset();
        }
        var second = _k.App(Topologies.Count(_input, _output), "fp", options);
        await second.StartAsync();
        await second.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(30));
        _k.Produce(_input, Serdes.String, Serdes.String, Clicks(200, 100));
        var expected = Clicks(0, 300).GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => (long)g.Count());
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadTable(_output, Serdes.String, Serdes.Int64).Values.Sum() >= expected.Values.Sum(),
            TimeSpan.FromSeconds(40), "every click counted");
        var actual = _k.ReadTable(_output, Serdes.String, Serdes.Int64);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        return actual.Where(kv => expected.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value - expected[kv.Key]);
    }

    // At-least-once: dying after the flush or after the local checkpoint but before the offset commit repeats the
    // uncommitted clicks (allowed) and loses none. Bug caught: state restored from a checkpoint that is ahead of or
    // behind the changelog so that counts come out short.
    [Theory]
    [InlineData(KafkaFailpoints.AfterFlush)]
    [InlineData(KafkaFailpoints.AfterLocalCheckpoint)]
    public async Task At_least_once_dying_inside_a_commit_loses_no_click(string failpoint)
    {
        var surplus = await DieAtThenRestartAsync(failpoint, ProcessingGuarantee.AtLeastOnce);
        Assert.All(surplus, kv => Assert.True(kv.Value >= 0, $"{kv.Key} lost {-kv.Value} clicks"));
        Assert.True(surplus.Values.Sum() <= 100, "only the uncommitted batch may count twice");
    }

    // Exactly-once: dying between SendOffsetsToTransaction and CommitTransaction (the transaction is aborted) or
    // between CommitTransaction and the local checkpoint write (the restore replays more changelog) counts every click
    // once. Needs a real cluster: the mock neither stores transactional offsets nor hides aborted records.
    [Theory]
    [InlineData(KafkaFailpoints.AfterSendOffsets)]
    [InlineData(KafkaFailpoints.AfterCommitTransaction)]
    public async Task Exactly_once_dying_inside_a_commit_counts_every_click_once(string failpoint)
    {
        if (_k.IsMock) return;
        var surplus = await DieAtThenRestartAsync(failpoint, ProcessingGuarantee.ExactlyOnce);
        Assert.All(surplus, kv => Assert.Equal(0, kv.Value));
    }

    public void Dispose()
    {
        Failpoints.Reset();
        _k.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
