using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Kafka.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

/// <summary>
/// Every changelogging store writes records that, replayed into an empty store, rebuild the same contents —
/// the property restoration depends on (no Kafka needed: the changelog is captured in memory).
/// </summary>
public sealed class ChangelogRoundTripTests
{
    private sealed class CapturingSink : IChangelogSink
    {
        public List<(byte[] Key, byte[]? Value, long Ts)> Records { get; } = new();

        public void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) => Records.Add((key, value, timestamp));
    }

    private static ChangelogTarget Target(CapturingSink sink, Func<long>? ts = null) => new("app-s-changelog", 0, sink, ts ?? (() => 0));

    [Fact]
    public void Window_store_with_duplicates_restores_every_value_including_repeats_at_one_timestamp()
    {
        var sink = new CapturingSink();
        var live = new ChangeLoggingWindowStore<string, string>(new InMemoryWindowStore<string, string>("w", 10_000, true), Serdes.String, Serdes.String, true, Target(sink));
        live.Put("a", "1", 100);
        live.Put("a", "2", 100);
        live.Put("b", "3", 150);
        live.Put("a", "4", 900);
        var restored = new ChangeLoggingWindowStore<string, string>(new InMemoryWindowStore<string, string>("w", 10_000, true), Serdes.String, Serdes.String, true, Target(new CapturingSink()));
        foreach (var (k, v, ts) in sink.Records) restored.Restore(k, v, ts);
        static List<TimestampedValue<string>> All(IWindowStore<string, string> store, string key) => store.Fetch(key, 0, 1000).ToList();
        Assert.Equal(All(live, "a"), All(restored, "a"));
        Assert.Equal(3, All(restored, "a").Count);
        Assert.Equal(All(live, "b"), All(restored, "b"));
    }

    [Fact]
    public void Versioned_store_restores_its_history_and_tombstones_from_record_timestamps()
    {
        var sink = new CapturingSink();
        var live = new ChangeLoggingVersionedStore<string, string>(new InMemoryVersionedKeyValueStore<string, string>("v", TimeSpan.FromMinutes(1)), Serdes.String, Serdes.String, Target(sink));
        live.Put("k", "v1", 1000);
        live.Put("k", "v2", 2000);
        live.Delete("k", 3000, out _);
        live.Put("k", "v4", 4000);
        var restored = new ChangeLoggingVersionedStore<string, string>(new InMemoryVersionedKeyValueStore<string, string>("v", TimeSpan.FromMinutes(1)), Serdes.String, Serdes.String, Target(new CapturingSink()));
        foreach (var (k, v, ts) in sink.Records) restored.Restore(k, v, ts);
        foreach (long asOf in new[] { 999L, 1500, 2500, 3500, 4500 })
        {
            bool a = live.TryGet("k", asOf, out var ra);
            bool b = restored.TryGet("k", asOf, out var rb);
            Assert.Equal(a, b);
            if (a) Assert.Equal(ra, rb);
        }
        Assert.False(restored.TryGet("k", 3500, out _));
    }

    [Fact]
    public void Session_store_restores_sessions_and_removals()
    {
        var sink = new CapturingSink();
        var live = new ChangeLoggingSessionStore<string, long>(new InMemorySessionStore<string, long>("s", 100_000, Serdes.String), Serdes.String, Serdes.Int64, Target(sink));
        live.Put(new Windowed<string>("u", new Window(10, 20)), 2);
        live.Put(new Windowed<string>("u", new Window(50, 60)), 5);
        live.Remove(new Windowed<string>("u", new Window(10, 20)));
        live.Put(new Windowed<string>("x", new Window(5, 5)), 1);
        var restored = new ChangeLoggingSessionStore<string, long>(new InMemorySessionStore<string, long>("s", 100_000, Serdes.String), Serdes.String, Serdes.Int64, Target(new CapturingSink()));
        foreach (var (k, v, ts) in sink.Records) restored.Restore(k, v, ts);
        Assert.Equal(live.FindSessions("u", 0, 1000), restored.FindSessions("u", 0, 1000));
        Assert.Single(restored.FindSessions("u", 0, 1000));
        Assert.True(restored.TryFetchSession("x", 5, 5, out var x) && x == 1);
    }

    [Fact]
    public void Key_value_store_logs_the_record_timestamp_and_restores_deletes()
    {
        var sink = new CapturingSink();
        long now = 42;
        var live = new ChangeLoggingKeyValueStore<string, string>(new InMemoryKeyValueStore<string, string>("kv", Serdes.String), Serdes.String, Serdes.String, Target(sink, () => now));
        live.Put("a", "1");
        now = 43;
        live.Put("b", "2");
        live.Delete("a");
        Assert.Equal([42L, 43, 43], sink.Records.Select(r => r.Ts));
        Assert.Null(sink.Records[^1].Value);
        var restored = new ChangeLoggingKeyValueStore<string, string>(new InMemoryKeyValueStore<string, string>("kv", Serdes.String), Serdes.String, Serdes.String, Target(new CapturingSink()));
        foreach (var (k, v, ts) in sink.Records) restored.Restore(k, v, ts);
        Assert.Equal(live.All().ToList(), restored.All().ToList());
        Assert.False(restored.TryGet("a", out _));
    }
}
