using Braid.Serialization;
using Braid.State;
using Braid.Testing;

namespace Braid.Embedded.Tests;

/// <summary>
/// One query API (<see cref="IQueryableStores"/>) on the test driver and the embedded runtime: the same answers and the
/// same error messages, word for word (the Kafka host's leg is in Braid.Kafka.Tests/KafkaQueryTests with the same literals).
/// </summary>
public class QueryApiTests
{
    internal const string WrongTableType = "Store 't-store' is a timestamped key–value store of String → String, not a key–value store of String → String; " +
        "read it with GetTimestampedKeyValueStore<String, String>(\"t-store\").";

    internal const string WrongWindowType = "Store 'per-10s' is a timestamped window store of String → Int64, not a window store of String → Int64; " +
        "read it with GetTimestampedWindowStore<String, Int64>(\"per-10s\").";

    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    internal static Topology Build()
    {
        var b = new StreamsBuilder();
        b.Table("t", Strings, Materialized.As<string, string>("t-store"));
        var clicks = b.Stream("clicks", Strings).GroupByKey();
        clicks.WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromSeconds(10))).Count(Materialized.As<string, long>("per-10s"));
        clicks.WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(TimeSpan.FromSeconds(10)))
            .Count(Materialized.As<string, long>("sessions") with { InMemory = true });
        return b.Build();
    }

    private static void Feed(Action<string, string, string, long> send)
    {
        send("t", "k1", "v1", 1);
        send("t", "k1", "v2", 2);
        send("clicks", "a", "x", 1_000);
        send("clicks", "a", "x", 3_000);
        send("clicks", "a", "x", 12_000);
    }

    [Fact]
    public async Task DriverAndEmbedded_AnswerTheSame_AndFailWithTheSameWords()
    {
        using var driver = new TopologyTestDriver(Build());
        Feed((topic, k, v, ts) => driver.CreateInputTopic(topic, Serdes.String, Serdes.String).PipeInput(k, v, ts));
        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 2));
        Feed((topic, k, v, ts) => app.CreateProducer(topic, Serdes.String, Serdes.String).Send(k, v, ts));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);

        var answers = new[] { (IQueryableStores)driver, app }.Select(Ask).ToList();
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(WrongTableType, answers[0].WrongTable);
        Assert.Equal(WrongWindowType, answers[0].WrongWindow);
        Assert.Equal("No store named 'nope'. Stores: " + string.Join(", ", driver.DescribeStores().Select(s => s.Name)) + ".", answers[0].Unknown);
        Assert.Equal("v2@2", answers[0].Table);
        Assert.Equal("2@0,1@10000", answers[0].Windows);
        // In-memory stores are queryable on the embedded runtime too (read under the stream thread's lock).
        Assert.Equal("[1000,12000]=3", answers[0].Sessions);
    }

    [Fact]
    public async Task Embedded_BeforeStart_RefusesWithNotAvailable_AndAPartitionOutOfRangeIsNamed()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 2));
        var e = Assert.Throws<StateStoreNotAvailableException>(() => app.GetTimestampedKeyValueStore<string, string>("t-store"));
        Assert.Equal("Store 't-store' cannot be queried while the application is Created; stores are queryable while it is Running or Rebalancing.", e.Message);
        await app.StartAsync();
        var p = Assert.Throws<InvalidStateStoreException>(() => app.GetTimestampedKeyValueStore<string, string>("t-store", new StoreQueryParameters { Partition = 2 }));
        Assert.Equal("Store 't-store' has no partition 2: it has 2 partitions (0 to 1).", p.Message);
        Assert.IsType<InvalidStateStoreException>(p); // not the transient "migrated" kind: retrying cannot help
    }

    [Fact]
    public async Task Embedded_PartitionParameter_ReadsOnlyThatPartition()
    {
        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), TestOptions.For(dir.Path, partitions: 2));
        var producer = app.CreateProducer("t", Serdes.String, Serdes.String);
        foreach (var k in Enumerable.Range(0, 20)) producer.Send("k" + k, "v", k);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var p0 = app.GetTimestampedKeyValueStore<string, string>("t-store", new StoreQueryParameters { Partition = 0 }).All().Select(kv => kv.Key).ToList();
        var p1 = app.GetTimestampedKeyValueStore<string, string>("t-store", new StoreQueryParameters { Partition = 1 }).All().Select(kv => kv.Key).ToList();
        Assert.Equal(20, p0.Count + p1.Count);
        Assert.NotEmpty(p0);
        Assert.NotEmpty(p1);
        Assert.Empty(p0.Intersect(p1));
    }

    internal sealed record Answers(string Table, string Windows, string Sessions, string WrongTable, string WrongWindow, string Unknown);

    internal static Answers Ask(IQueryableStores q)
    {
        var table = q.GetTimestampedKeyValueStore<string, string>("t-store");
        string t = table.TryGet("k1", out var v) ? $"{v.Value}@{v.Timestamp}" : "absent";
        string w = string.Join(",", q.GetTimestampedWindowStore<string, long>("per-10s").Fetch("a", 0, 20_000).Select(x => $"{x.Value.Value}@{x.Timestamp}"));
        string s = string.Join(";", q.GetSessionStore<string, long>("sessions").FindSessions("a", 0, 20_000).Select(x => $"[{x.Key.Window.Start},{x.Key.Window.End}]={x.Value}"));
        return new Answers(t, w, s,
            Assert.Throws<InvalidStateStoreException>(() => q.GetKeyValueStore<string, string>("t-store")).Message,
            Assert.Throws<InvalidStateStoreException>(() => q.GetWindowStore<string, long>("per-10s")).Message,
            Assert.Throws<UnknownStateStoreException>(() => q.GetKeyValueStore<string, string>("nope")).Message);
    }
}
