using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

/// <summary>
/// Interactive queries on the Kafka host: the shared query API over this instance's active stores, routing by
/// QueryMetadataForKey, and the same error words as the driver and the embedded runtime (the literals below are the
/// ones Braid.Embedded.Tests/QueryApiTests checks on those two hosts).
/// </summary>
public sealed class KafkaQueryTests : IDisposable
{
    private const int Partitions = 4;
    private readonly KafkaTestCluster _k = new();
    private readonly string _t, _clicks;

    public KafkaQueryTests()
    {
        _t = _k.Prefix + "t";
        _clicks = _k.Prefix + "clicks";
        _k.CreateTopic(_t, Partitions);
        _k.CreateTopic(_clicks, Partitions);
    }

    internal static Topology Build(string t, string clicks)
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        b.Table(t, strings, Materialized.As<string, string>("t-store"));
        var grouped = b.Stream(clicks, strings).GroupByKey();
        grouped.WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromSeconds(10))).Count(Materialized.As<string, long>("per-10s"));
        grouped.Count(Materialized.As<string, long>("counts"));
        return b.Build();
    }

    /// <summary>Only the clicks sub-topology, so its four tasks are what the two instances share.</summary>
    internal static Topology BuildCounts(string clicks)
    {
        var b = new StreamsBuilder();
        var grouped = b.Stream(clicks, Consumed.With(Serdes.String, Serdes.String)).GroupByKey();
        grouped.WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromSeconds(10))).Count(Materialized.As<string, long>("per-10s"));
        grouped.Count(Materialized.As<string, long>("counts"));
        return b.Build();
    }

    private async Task<(BraidKafkaApplication A, BraidKafkaApplication B)> StartTwoAsync(string id)
    {
        var a = _k.App(BuildCounts(_clicks), id, server: "a:1");
        var b = _k.App(BuildCounts(_clicks), id, server: "b:2");
        await a.StartAsync();
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Running && b.State == StreamsState.Running
            && a.ActiveTasks.Count > 0 && b.ActiveTasks.Count > 0 && a.ActiveTasks.Count + b.ActiveTasks.Count == Partitions,
            TimeSpan.FromSeconds(60), "both instances running with a share of the tasks");
        return (a, b);
    }

    [Fact]
    public async Task Each_key_is_answered_by_the_instance_QueryMetadataForKey_names_and_refused_as_migrated_by_the_other()
    {
        var (a, b) = await StartTwoAsync("iq");
        var clicks = Enumerable.Range(0, 60).Select(i => ("u" + (i % 12), (string?)"x", 1_000L + i)).ToList();
        _k.Produce(_clicks, Serdes.String, Serdes.String, clicks);
        await KafkaTestCluster.WaitUntilAsync(() => a.ProcessedRecords + b.ProcessedRecords >= clicks.Count, TimeSpan.FromSeconds(30), "clicks processed");
        var byHost = new Dictionary<string, BraidKafkaApplication> { ["a:1"] = a, ["b:2"] = b };
        var hosts = new HashSet<string>();
        foreach (var key in clicks.Select(c => c.Item1).Distinct())
        {
            var md = a.QueryMetadataForKey("counts", key, Serdes.String);
            var seenByB = b.QueryMetadataForKey("counts", key, Serdes.String);
            Assert.Equal((md.Partition, md.Task, md.ActiveHost), (seenByB.Partition, seenByB.Task, seenByB.ActiveHost));
            Assert.NotNull(md.ActiveHost);
            Assert.Empty(md.StandbyHosts);
            hosts.Add(md.ActiveHost!);
            var owner = byHost[md.ActiveHost!];
            var other = owner == a ? b : a;
            var only = new StoreQueryParameters { Partition = md.Partition };
            Assert.True(owner.GetTimestampedKeyValueStore<string, long>("counts", only).TryGet(key, out var count), key);
            Assert.Equal(5, count.Value); // 60 clicks over 12 users
            Assert.True(owner.GetTimestampedKeyValueStore<string, long>("counts").TryGet(key, out _));
            Assert.Equal(0, Local(other, key)); // absent there, or (no partition of the store there at all) "migrated"
            var moved = Assert.Throws<StateStoreMigratedException>(() => other.GetTimestampedKeyValueStore<string, long>("counts", only));
            Assert.Equal($"Store 'counts' partition {md.Partition} is not queryable on this instance now: it may have migrated to another instance " +
                         "in a rebalance, or its task is still restoring. Find its host with QueryMetadataForKey and retry.", moved.Message);
            Assert.Equal(5, owner.GetTimestampedWindowStore<string, long>("per-10s").Fetch(key, 0, 0).Single().Value.Value);
        }
        Assert.Equal(2, hosts.Count); // the keys are spread, so both branches ran
        long total = Local(a, null) + Local(b, null);
        Assert.Equal(clicks.Count, total); // no double-counting and nothing missing across the two instances
    }

    /// <summary>The count of a key (or of all keys) this instance holds; 0 when it holds no partition of the store.</summary>
    private static long Local(BraidKafkaApplication app, string? key)
    {
        try
        {
            var store = app.GetTimestampedKeyValueStore<string, long>("counts");
            return key is null ? store.All().Sum(kv => kv.Value.Value) : store.TryGet(key, out var v) ? v.Value : 0;
        }
        catch (StateStoreMigratedException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task Errors_use_the_drivers_words()
    {
        var app = _k.App(Build(_t, _clicks), "iq-words", server: "a:1");
        var before = Assert.Throws<StateStoreNotAvailableException>(() => app.GetTimestampedKeyValueStore<string, string>("t-store"));
        Assert.Equal("Store 't-store' cannot be queried while the application is Created; stores are queryable while it is Running or Rebalancing.", before.Message);
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(60));
        Assert.Equal("Store 't-store' is a timestamped key–value store of String → String, not a key–value store of String → String; " +
                     "read it with GetTimestampedKeyValueStore<String, String>(\"t-store\").",
            Assert.Throws<InvalidStateStoreException>(() => app.GetKeyValueStore<string, string>("t-store")).Message);
        Assert.Equal("Store 'per-10s' is a timestamped window store of String → Int64, not a window store of String → Int64; " +
                     "read it with GetTimestampedWindowStore<String, Int64>(\"per-10s\").",
            Assert.Throws<InvalidStateStoreException>(() => app.GetWindowStore<string, long>("per-10s")).Message);
        Assert.Equal("No store named 'nope'. Stores: counts, per-10s, t-store.",
            Assert.Throws<UnknownStateStoreException>(() => app.GetKeyValueStore<string, string>("nope")).Message);
        Assert.Equal("No store named 'nope'. Stores: counts, per-10s, t-store.",
            Assert.Throws<UnknownStateStoreException>(() => app.QueryMetadataForKey("nope", "k", Serdes.String)).Message);
        Assert.Equal("Store 'counts' has no partition 9: it has 4 partitions (0 to 3).",
            Assert.Throws<InvalidStateStoreException>(() => app.GetTimestampedKeyValueStore<string, long>("counts", new StoreQueryParameters { Partition = 9 })).Message);
        await app.CloseAsync();
        Assert.Throws<StateStoreNotAvailableException>(() => app.GetTimestampedKeyValueStore<string, string>("t-store"));
    }

    [Fact]
    public async Task A_view_taken_before_a_rebalance_keeps_answering_after_it_from_the_new_owner_set()
    {
        var a = _k.App(Build(_t, _clicks), "iq-move", server: "a:1");
        await a.StartAsync();
        await a.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(60));
        _k.Produce(_t, Serdes.String, Serdes.String, Enumerable.Range(0, 20).Select(i => ("k" + i, (string?)("v" + i), (long)i)));
        var view = a.GetTimestampedKeyValueStore<string, string>("t-store");
        await KafkaTestCluster.WaitUntilAsync(() => view.All().Count() == 20, TimeSpan.FromSeconds(30), "a holds all 20 keys");
        var b = _k.App(Build(_t, _clicks), "iq-move", server: "b:2");
        await b.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => a.State == StreamsState.Running && b.State == StreamsState.Running && b.ActiveTasks.Count > 0
            && a.ActiveTasks.Count + b.ActiveTasks.Count == 2 * Partitions, TimeSpan.FromSeconds(60), "b took a share");
        // A store whose tasks all moved (or are restoring) answers "migrated", never a half-read store: count that as no keys.
        static List<string> Keys(IReadOnlyKeyValueStore<string, ValueAndTimestamp<string>> v)
        {
            try
            {
                return v.All().Select(kv => kv.Key).ToList();
            }
            catch (StateStoreMigratedException)
            {
                return [];
            }
        }
        var onB = b.GetTimestampedKeyValueStore<string, string>("t-store", new StoreQueryParameters { EnableStaleStores = true });
        await KafkaTestCluster.WaitUntilAsync(() => Keys(view).Count + Keys(onB).Count == 20 && Keys(view).Intersect(Keys(onB)).Count() == 0,
            TimeSpan.FromSeconds(30), "the 20 keys split between a (the view taken before b joined) and b");
        Assert.Equal(20, Keys(view).Concat(Keys(onB)).Distinct().Count());
    }

    public void Dispose() => _k.Dispose();
}
