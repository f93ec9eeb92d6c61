using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Serialization;
using Braid.State;

namespace Braid.Tests.State;

/// <summary>
/// The one write-logging decorator writes Kafka Streams' changelog bytes (so a changelog written before the
/// decorators were merged, or by Kafka Streams, restores), logs only what the store kept, and restores a store
/// equal to the live one.
/// </summary>
public sealed class ChangeLoggingStoreTests
{
    private sealed class Sink : IChangeSink
    {
        public List<(byte[] Key, byte[]? Value, long Ts)> Changes { get; } = new();

        public long CurrentTimestamp { get; set; }

        public void Log(byte[] key, byte[]? value, long timestamp) => Changes.Add((key, value, timestamp));
    }

    [Fact]
    public void Window_changelog_key_is_key_then_big_endian_timestamp_then_sequence_when_duplicates_are_retained()
    {
        var sink = new Sink();
        var store = new ChangeLoggingWindowStore<string, string>(new InMemoryWindowStore<string, string>("w", 1000, true), Serdes.String, Serdes.String, true, sink);
        store.Put("k", "a", 0x0102);
        store.Put("k", "b", 0x0102);
        Assert.Equal([(byte)'k', 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1], sink.Changes[0].Key);
        Assert.Equal([(byte)'k', 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 2], sink.Changes[1].Key);
        Assert.Equal(0x0102, sink.Changes[1].Ts);
    }

    [Fact]
    public void Session_changelog_key_is_key_then_big_endian_end_then_start_and_carries_the_session_end()
    {
        var sink = new Sink();
        var store = new ChangeLoggingSessionStore<string, long>(new InMemorySessionStore<string, long>("s", 1000, Serdes.String), Serdes.String, Serdes.Int64, sink);
        store.Put(new Windowed<string>("k", new Window(1, 2)), 7);
        Assert.Equal([(byte)'k', 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1], sink.Changes[0].Key);
        Assert.Equal(2, sink.Changes[0].Ts);
    }

    [Fact]
    public void An_expired_window_put_is_not_logged_so_a_restore_cannot_resurrect_it()
    {
        var sink = new Sink();
        var store = new ChangeLoggingWindowStore<string, string>(new InMemoryWindowStore<string, string>("w", 100, false), Serdes.String, Serdes.String, false, sink);
        store.Put("k", "new", 10_000);
        Assert.False(store.Put("k", "old", 5));
        Assert.Single(sink.Changes);
    }

    [Fact]
    public void Key_value_changes_carry_the_current_record_timestamp_and_a_delete_is_a_tombstone()
    {
        var sink = new Sink { CurrentTimestamp = 42 };
        var store = new ChangeLoggingKeyValueStore<string, string>(new InMemoryKeyValueStore<string, string>("kv", Serdes.String), Serdes.String, Serdes.String, sink);
        store.Put("a", "1");
        sink.CurrentTimestamp = 43;
        store.Delete("a");
        Assert.Equal([(42L, false), (43L, true)], sink.Changes.Select(c => (c.Ts, c.Value is null)));
    }

    [Fact]
    public void A_damaged_session_changelog_key_is_a_serialization_error_not_an_index_error()
    {
        var store = new ChangeLoggingSessionStore<string, long>(new InMemorySessionStore<string, long>("s", 1000, Serdes.String), Serdes.String, Serdes.Int64, new Sink());
        var e = Assert.Throws<SerializationException>(() => store.Restore([1, 2, 3], null, 0));
        Assert.Contains("16 bytes", e.Message);
    }

    [Fact]
    public void The_factory_wraps_only_stores_that_have_a_sink()
    {
        var factory = new ChangeLoggingStoreFactory(InMemoryStoreFactory.Instance, name => name == "logged" ? new Sink() : null);
        Assert.IsAssignableFrom<ILoggedStore>(factory.CreateKeyValueStore(Stores.KeyValue("logged", Serdes.String, Serdes.String)));
        Assert.IsNotAssignableFrom<ILoggedStore>(factory.CreateKeyValueStore(Stores.KeyValue("plain", Serdes.String, Serdes.String)));
    }
}
