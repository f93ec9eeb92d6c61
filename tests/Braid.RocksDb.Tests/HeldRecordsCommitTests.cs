using Braid.Internal.Joins;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using Braid.Testing;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A stream–stream left/outer join on RocksDB stores keeps its held records in memory and writes the held store at the
/// pre-commit hook (HeldRecords, IPreCommit): the store sees only the records still held at a commit. Checked against the
/// same join on the test driver's in-memory stores, which writes every hold and release through (the behaviour the emit
/// timing property tests pin): the outputs are equal record by record, and after every commit the RocksDB store's
/// committed held set equals the in-memory store's held set. Commits land at random points; CsCheck prints the seed.
/// </summary>
public sealed class HeldRecordsCommitTests
{
    private static readonly Serde<string> S = Serdes.String;
    private const string Held = "j-outer-shared-join-store";

    private static Topology Build(bool outer, int before, int after, int grace)
    {
        var b = new StreamsBuilder();
        var right = b.Stream("right", Consumed.With(S, S));
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(grace))
            .Before(TimeSpan.FromMilliseconds(before)).After(TimeSpan.FromMilliseconds(after));
        var joined = new StreamJoined<string, string, string> { StoreName = "j", KeySerde = S, ValueSerde = S, OtherValueSerde = S };
        var left = b.Stream("left", Consumed.With(S, S));
        var result = outer
            ? left.OuterJoin(right, (l, r) => $"{l ?? "null"}+{r ?? "null"}", windows, joined)
            : left.LeftJoin(right, (l, r) => $"{l}+{r ?? "null"}", windows, joined);
        result.To("out", Produced.With(S, S));
        return b.Build();
    }

    private static readonly StreamsConfig Config = new() { ApplicationId = "held-commit", OuterJoinEmitInterval = TimeSpan.Zero };

    // (left?, key 0..3, step 0..5, commit after this record?) — small steps and few keys: repeated (key, timestamp) holds,
    // matches of held and committed keys, releases before and after commits.
    // The store's cache size bounds the held set kept in memory past a commit (HeldRecords goes back to the store beyond
    // it): 0 and 2 overflow at the first commits that hold anything, 6 now and then, 65,536 never.
    private static readonly Gen<(bool Outer, int Before, int After, int Grace, int Cache, (bool, int, int, bool)[] Records)> Cases =
        Gen.Select(Gen.Select(Gen.Bool, Gen.Int[0, 8], Gen.Int[0, 8], Gen.Int[0, 4]), Gen.Int[0, 3].Select(i => new[] { 0, 2, 6, 65_536 }[i]),
            Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 3].Select(c => c == 0)).Array[1, 50],
            (j, cache, records) => (j.Item1, j.Item2, j.Item3, j.Item4, cache, records));

    [Fact]
    public void CommittedHeldStore_EqualsTheWrittenThroughHeldSet_AtEveryCommit_AndOutputIsUnchanged() =>
        Cases.Sample(c => Check(c.Outer, c.Before, c.After, c.Grace, c.Cache, c.Records), iter: 300, threads: 1);

    [Fact]
    public void AHeldSetLargerThanTheStoresCache_GoesBackToTheStoreAtACommit_AndStillReleasesEveryRecordOnce()
    {
        using var dir = new TempStateDirectory();
        var backend = dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = 4 });
        using var task = backend.OpenTask(new TaskId(0, 0));
        using var driver = new TopologyTestDriver(Build(outer: false, 10, 10, 0), Config, 0, task.Stores);
        var left = driver.CreateInputTopic("left", S, S);
        var output = driver.CreateOutputTopic("out", S, S);
        for (int i = 0; i < 6; i++) left.PipeInput("k" + i, "L" + i, i); // six held: more than the cache's four entries
        var store = (RocksKeyValueStore<NonJoinedKey<string>, NonJoinedValues<string, string>>)driver.GetStateStore(Held);
        Assert.Empty(store.Entries.WrittenKeys); // still in memory only
        backend.Commit([task], new Dictionary<string, byte[]?>());
        Assert.Equal(6, Committed(task).Count); // all six reached the store at the commit
        left.PipeInput("k6", "L6", 6);
        Assert.Single(store.Entries.WrittenKeys); // written through since the overflow: the store holds the held set again
        left.PipeInput("z", "L7", 100); // releases k0..k6, each once
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"k{i}=L{i}+null"), output.ReadKeyValuesToList().Select(kv => $"{kv.Key}={kv.Value}"));
        backend.Commit([task], new Dictionary<string, byte[]?>());
        Assert.Equal(["z@100"], Committed(task).Select(kv => $"{kv.Key.Key}@{kv.Key.Timestamp}"));
    }

    [Fact]
    public void ARecordHeldAndReleasedBetweenTwoCommits_NeverReachesTheHeldStore()
    {
        using var dir = new TempStateDirectory();
        var backend = dir.Open();
        using var task = backend.OpenTask(new TaskId(0, 0));
        using var driver = new TopologyTestDriver(Build(outer: false, 10, 10, 0), Config, 0, task.Stores);
        var left = driver.CreateInputTopic("left", S, S);
        left.PipeInput("a", "L0", 0);   // held
        left.PipeInput("b", "L1", 5);   // held
        left.PipeInput("c", "L2", 30);  // releases a and b, held itself
        Assert.Equal(["a=L0+null", "b=L1+null"], driver.CreateOutputTopic("out", S, S).ReadKeyValuesToList().Select(kv => $"{kv.Key}={kv.Value}"));
        var store = (RocksKeyValueStore<NonJoinedKey<string>, NonJoinedValues<string, string>>)driver.GetStateStore(Held);
        Assert.Empty(store.Entries.WrittenKeys); // no put, no delete: the held records lived in memory only
        backend.Commit([task], new Dictionary<string, byte[]?>());
        Assert.Equal(["c@30"], Committed(task).Select(kv => $"{kv.Key.Key}@{kv.Key.Timestamp}"));
    }

    private static void Check(bool outer, int before, int after, int grace, int cache, (bool, int, int, bool)[] records)
    {
        var topology = Build(outer, before, after, grace);
        using var memory = new TopologyTestDriver(topology, Config);
        using var dir = new TempStateDirectory();
        var backend = dir.Open(new RocksDbStateOptions { CacheEntriesPerStore = cache });
        using var task = backend.OpenTask(new TaskId(0, 0));
        using var rocks = new TopologyTestDriver(topology, Config, 0, task.Stores);
        var (mLeft, mRight, mOut) = (memory.CreateInputTopic("left", S, S), memory.CreateInputTopic("right", S, S), memory.CreateOutputTopic("out", S, S));
        var (rLeft, rRight, rOut) = (rocks.CreateInputTopic("left", S, S), rocks.CreateInputTopic("right", S, S), rocks.CreateOutputTopic("out", S, S));
        var memoryHeld = memory.GetKeyValueStore<NonJoinedKey<string>, NonJoinedValues<string, string>>(Held);
        long ts = 0;
        for (int i = 0; i < records.Length; i++)
        {
            var (isLeft, key, step, commit) = records[i];
            ts += step;
            string k = "k" + key, v = (isLeft ? "L" : "R") + i;
            (isLeft ? mLeft : mRight).PipeInput(k, v, ts);
            (isLeft ? rLeft : rRight).PipeInput(k, v, ts);
            Assert.Equal(Lines(mOut.ReadRecordsToList()), Lines(rOut.ReadRecordsToList()));
            if (!commit) continue;
            backend.Commit([task], new Dictionary<string, byte[]?>());
            Assert.Equal(Describe(memoryHeld.All()), Describe(Committed(task)));
        }
    }

    private static List<KeyValue<NonJoinedKey<string>, NonJoinedValues<string, string>>> Committed(Braid.Internal.State.ITaskState task)
    {
        var view = task.CommittedStores.CreateKeyValueStore(new KeyValueStoreBuilder<NonJoinedKey<string>, NonJoinedValues<string, string>>(
            Held, new NonJoinedKeySerde<string>(S), new NonJoinedValuesSerde<string, string>(S, S)));
        return view.All().ToList();
    }

    private static List<string> Lines(List<TestRecord<string, string>> records) => records.Select(r => $"{r.Key}={r.Value}@{r.Timestamp}").ToList();

    private static List<string> Describe(IEnumerable<KeyValue<NonJoinedKey<string>, NonJoinedValues<string, string>>> entries) =>
        entries.Select(kv => $"{kv.Key.Timestamp}/{(kv.Key.IsLeft ? "L" : "R")}/{kv.Key.Key}=" +
            string.Join(",", Enumerable.Range(0, kv.Value.Count).Select(i => kv.Value.IsLeft ? kv.Value.LeftAt(i) : kv.Value.RightAt(i)))).ToList();
}
