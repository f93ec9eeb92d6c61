using Braid.RocksDb;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Embedded.Tests;

/// <summary>
/// One global store object is read by every stream thread at once (they hold the global lock in read mode) and written
/// and committed by the global thread. The RocksDB store's reads mutate it (value cache promotion and eviction, the
/// reused key buffer, the reused iterator), so unserialized reads join a stream record with another key's row.
/// Every global value here encodes its key, so any crossed read shows in the output.
/// </summary>
public class GlobalStoreSharingTests(ITestOutputHelper output)
{
    private const int GlobalKeys = 3_000;
    private const int StreamRecords = 30_000;

    private static readonly Consumed<string, string> Strings = Consumed.With(Serdes.String, Serdes.String);

    private static Topology Build()
    {
        var b = new StreamsBuilder();
        var global = b.GlobalTable("g", Strings, Materialized.As<string, string>("g-store"));
        b.Stream("s", Strings)
            .Join(global, (_, v) => "g" + v, (v, gv) => v + "=" + gv)
            .To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    /// <summary>A small value cache, so most reads miss it and go to RocksDB through the store's shared buffers.</summary>
    private static BraidApplicationOptions Options(string dir, int threads) => TestOptions.For(dir, partitions: 4, threads) with
    {
        StateBackendFactory = d => RocksDbStateBackend.Open(d, new RocksDbStateOptions { CacheEntriesPerStore = 64 }),
    };

    /// <summary>Whether a global value ("G{i}" or an update "G{i}.{n}") belongs to key index <paramref name="index"/>.</summary>
    private static bool Encodes(string value, string index) => value == "G" + index || value.StartsWith("G" + index + ".", StringComparison.Ordinal);

    /// <summary>One stream thread: no other reader, but the global thread's commit (cache fill, iterator renewal) must
    /// still not run during its reads. Four: the stream threads read the same store objects at once.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task StreamGlobalJoin_ManyThreads_EveryResultUsesItsOwnKeysRow(int threads)
    {
        int seed = Environment.GetEnvironmentVariable("BRAID_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: BRAID_SEED={seed})");
        var rng = new Random(seed);
        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), Options(dir.Path, threads));
        app.CreateProducer("g", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(0, GlobalKeys).Select(i => new TopicRecord<string, string>("g" + i, "G" + i, 1)));
        var stream = Enumerable.Range(0, StreamRecords).Select(i => new TopicRecord<string, string>("s" + rng.Next(1_000), rng.Next(GlobalKeys).ToString(), 10 + i)).ToList();
        var streamProducer = app.CreateProducer("s", Serdes.String, Serdes.String);
        var globalProducer = app.CreateProducer("g", Serdes.String, Serdes.String);
        await app.StartAsync();
        // The global thread keeps writing and committing while the stream threads read: updates keep encoding their key.
        var updates = new Random(seed ^ 0x5eed);
        for (int batch = 0; batch < stream.Count; batch += 1_000)
        {
            streamProducer.Send(stream.Skip(batch).Take(1_000));
            globalProducer.Send(Enumerable.Range(0, 200).Select(n => updates.Next(GlobalKeys))
                .Select(k => new TopicRecord<string, string>("g" + k, $"G{k}.{batch}", 2 + batch)));
        }
        await app.WaitForIdleAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(StreamsState.Running, app.State);
        var results = app.CreateReader("out", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value!).ToList();
        var crossed = results.Where(r => r.Split('=') is var p && !Encodes(p[1], p[0])).ToList();
        Assert.True(crossed.Count == 0, $"seed {seed}: {crossed.Count} of {results.Count} results joined another key's row, e.g. {string.Join(", ", crossed.Take(5))}");
        Assert.Equal(StreamRecords, results.Count);
    }

    /// <summary>Interactive queries of a global store read a committed view (its own store object, under its own lock),
    /// never the objects the stream threads share; several user threads query it while stream threads join.</summary>
    [Fact]
    public async Task GlobalStoreQueries_FromUserThreadsWhileStreamThreadsJoin_ReturnEachKeysRow()
    {
        int seed = Environment.GetEnvironmentVariable("BRAID_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: BRAID_SEED={seed})");
        using var dir = new TempDir();
        await using var app = new BraidApplication(Build(), Options(dir.Path, threads: 2));
        app.CreateProducer("g", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(0, GlobalKeys).Select(i => new TopicRecord<string, string>("g" + i, "G" + i, 1)));
        var rng = new Random(seed);
        app.CreateProducer("s", Serdes.String, Serdes.String)
            .Send(Enumerable.Range(0, StreamRecords / 3).Select(i => new TopicRecord<string, string>("s" + rng.Next(1_000), rng.Next(GlobalKeys).ToString(), 10 + i)));
        await app.StartAsync();
        var store = app.GetTimestampedKeyValueStore<string, string>("g-store");
        var wrong = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, 3).Select(t => Task.Run(() =>
        {
            var r = new Random(seed + t);
            for (int i = 0; i < 3_000; i++)
            {
                int k = r.Next(GlobalKeys);
                bool found = store.TryGet("g" + k, out var v);
                if (!found || !Encodes(v.Value, k.ToString())) wrong.Enqueue($"g{k}->{(found ? v.Value : "absent")}");
            }
        })).ToArray();
        await Task.WhenAll(readers);
        await app.WaitForIdleAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(StreamsState.Running, app.State);
        Assert.True(wrong.IsEmpty, $"seed {seed}: {wrong.Count} wrong reads, e.g. {string.Join(", ", wrong.Take(5))}");
    }
}
