using Braid.Serialization;

namespace Braid.Kafka.Tests;

public sealed class JoinTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    [Fact]
    public async Task Stream_stream_join_on_Kafka_equals_the_test_driver()
    {
        string left = _k.Prefix + "clicks", right = _k.Prefix + "views", output = _k.Prefix + "joined";
        foreach (var t in new[] { left, right, output }) _k.CreateTopic(t, 3);
        var app = _k.App(Topologies.StreamStream(left, right, output), "ss");
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));

        // Right-side timestamps never go below the left side's, so no record is late for any task's stream time.
        var l = Enumerable.Range(0, 60).Select(i => ("k" + (i % 10), (string?)("L" + i), 10_000L + i)).ToList();
        var r = Enumerable.Range(0, 30).Select(i => ("k" + (i % 12), (string?)("R" + i), 10_100L + i)).ToList();
        _k.Produce(left, Serdes.String, Serdes.String, l);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= l.Count, TimeSpan.FromSeconds(20), "left processed");
        _k.Produce(right, Serdes.String, Serdes.String, r);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= l.Count + r.Count, TimeSpan.FromSeconds(20), "right processed");
        await app.CloseAsync();

        var expected = Topologies.Reference(Topologies.StreamStream(left, right, output), output, (left, l), (right, r));
        Assert.NotEmpty(expected);
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(_k.ReadAll(output, Serdes.String, Serdes.String)));
    }

    [Fact]
    public async Task Table_table_join_on_Kafka_equals_the_test_driver()
    {
        string left = _k.Prefix + "users", right = _k.Prefix + "profiles", output = _k.Prefix + "user-profiles";
        foreach (var t in new[] { left, right, output }) _k.CreateTopic(t, 4);
        var app = _k.App(Topologies.TableTable(left, right, output), "tt");
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));

        var l = Enumerable.Range(0, 80).Select(i => ("u" + (i % 25), i % 17 == 0 ? null : (string?)("name" + i), 1000L + i)).ToList();
        var r = Enumerable.Range(0, 50).Select(i => ("u" + (i % 30), (string?)("p" + i), 2000L + i)).ToList();
        _k.Produce(left, Serdes.String, Serdes.String, l);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= l.Count, TimeSpan.FromSeconds(20), "left processed");
        _k.Produce(right, Serdes.String, Serdes.String, r);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= l.Count + r.Count, TimeSpan.FromSeconds(20), "right processed");
        await app.CloseAsync();

        var expected = Topologies.Reference(Topologies.TableTable(left, right, output), output, (left, l), (right, r));
        var actual = _k.ReadAll(output, Serdes.String, Serdes.String);
        Assert.Equal(Topologies.Sorted(expected), Topologies.Sorted(actual));
        Assert.Equal(Topologies.ToTable(expected), _k.ReadTable(output, Serdes.String, Serdes.String));
    }

    [Fact]
    public async Task Changing_the_key_goes_through_a_repartition_topic_and_counts_equal_the_test_driver()
    {
        string input = _k.Prefix + "words", output = _k.Prefix + "word-counts";
        _k.CreateTopic(input, 4);
        _k.CreateTopic(output, 4);
        var app = _k.App(Topologies.RekeyCount(input, output), "count");
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));

        var records = Enumerable.Range(0, 200).Select(i => ("line" + i, (string?)("w" + (i * 7 % 13)), 1000L + i)).ToList();
        _k.Produce(input, Serdes.String, Serdes.String, records);
        // Each record is processed twice: from the input topic and again from the repartition topic.
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 2 * records.Count, TimeSpan.FromSeconds(20), "records counted");
        await app.CloseAsync();

        var expected = Topologies.ToTable(Topologies.Reference(Topologies.RekeyCount(input, output), output, Serdes.Int64, (input, records)));
        Assert.Equal(13, expected.Count);
        Assert.Equal(expected, _k.ReadTable(output, Serdes.String, Serdes.Int64));
    }

    public void Dispose() => _k.Dispose();
}
