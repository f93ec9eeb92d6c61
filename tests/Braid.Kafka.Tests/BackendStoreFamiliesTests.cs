using Braid.Kafka.Internal;
using Braid.RocksDb;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// The Kafka host's state backend is opened with the topology's durable stores named, so RocksDB's open creates their
/// column families (issue 19, session 15; the embedded host since session 14): a family created later, when a rebalance
/// first assigns a task of that store, writes, syncs and re-parses a whole new OPTIONS file. No broker needed: the open
/// is the host's own step before it joins the group.
/// </summary>
public sealed class BackendStoreFamiliesTests
{
    private static Topology Build()
    {
        var b = new StreamsBuilder();
        var left = b.Stream("left", Consumed.With(Serdes.String, Serdes.String));
        var right = b.Stream("right", Consumed.With(Serdes.String, Serdes.String));
        left.Join(right, (l, r) => l + r, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(10)))
            .To("joined", Produced.With(Serdes.String, Serdes.String));
        left.GroupByKey().Count(Materialized.As<string, long>("durable-counts"));
        right.GroupByKey().Count(Materialized.As<string, long>("memory-counts") with { InMemory = true });
        return b.Build();
    }

    private static List<string> StoreFamilies(string db) =>
        RocksDbSharp.RocksDb.ListColumnFamilies(new RocksDbSharp.DbOptions(), db).Where(n => n.StartsWith("store.", StringComparison.Ordinal)).Order().ToList();

    [Fact]
    public void TheBackendsOpen_CreatesTheDurableStoresFamilies_AndNoneForInMemoryStores()
    {
        string dir = Path.Combine(Path.GetTempPath(), "braid-kafka-families-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = Build().Model;
            var layout = TopicLayout.Compute(model, "app", new Dictionary<string, int> { ["left"] = 1, ["right"] = 1 });
            var expected = model.Stores.Values.Where(s => !s.InMemory).Select(s => "store." + s.Name).Order().ToList();
            Assert.Equal(3, expected.Count); // the join's two window stores and "durable-counts"
            Assert.Contains("store.durable-counts", expected);

            using (var backend = StreamThreads.OpenBackend(new KafkaStreamsOptions { BootstrapServers = "127.0.0.1:1", StateDirectory = dir }, layout, model))
            {
                Assert.NotNull(backend);
            }

            // Read after the close: the families are on disk, created by the open (no task ever opened a store).
            var families = StoreFamilies(RocksDbStateBackend.DatabasePath(Path.Combine(dir, "app")));
            Assert.Equal(expected, families);
            Assert.DoesNotContain("store.memory-counts", families);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
