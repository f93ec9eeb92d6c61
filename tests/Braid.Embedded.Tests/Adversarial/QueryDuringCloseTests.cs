using Braid.Internal.Queries;
using Braid.Serialization;
using Braid.State;

namespace Braid.Embedded.Tests.Adversarial;

/// <summary>
/// Reads of persistent stores from threads that are not the application's (interactive queries, the
/// <c>braid.store.entries</c> gauge, which any <c>MeterListener</c> in the process collects for every running
/// application) racing the close that releases the RocksDB database. Before: the close disposed the database while such
/// a read was in flight or about to start, and the read then ran RocksDB calls on freed (or zeroed) native handles: a
/// SIGSEGV that ends the process silently (session 15: CI's test host died with nothing after "Test host process
/// crashed"). Now the close waits for reads in flight before it releases the database, and a read after it is refused.
/// </summary>
public class QueryDuringCloseTests
{
    /// <summary>Blocks the deserialization of a stored value on one chosen thread, inside the store's RocksDB read.</summary>
    private sealed class GatedSerde : Serde<string>
    {
        public volatile int BlockedThread = -1;
        public readonly ManualResetEventSlim Entered = new(false);
        public readonly ManualResetEventSlim Release = new(false);

        public override byte[] Serialize(string value) => Serdes.String.Serialize(value);

        public override string Deserialize(ReadOnlySpan<byte> data)
        {
            if (Environment.CurrentManagedThreadId == BlockedThread)
            {
                Entered.Set();
                Release.Wait();
            }
            return Serdes.String.Deserialize(data);
        }
    }

    private static BraidApplication Open(string dir, Serde<string> values)
    {
        var b = new StreamsBuilder();
        b.Table("t", Consumed.With(Serdes.String, values), Materialized.As<string, string>("q-store") with { ValueSerde = values });
        var app = new BraidApplication(b.Build(), TestOptions.For(dir));
        app.CreateProducer("t", Serdes.String, Serdes.String).Send(Enumerable.Range(0, 10).Select(i => new TopicRecord<string, string>("k" + i, "v" + i, i)));
        return app;
    }

    /// <summary>
    /// A query stuck inside its RocksDB read (here: in the value's deserializer, while RocksDB pins the value) when the
    /// application closes: the close finishes only after the read, which returns the committed value; later reads are
    /// refused. Before, the close released the database under the read at once (the read, let go, would have touched
    /// freed memory; this test then leaves it blocked rather than crash the test host).
    /// </summary>
    [Fact]
    public async Task ACloseDuringAQuerysRead_WaitsForTheRead_ThenLaterReadsAreRefused()
    {
        using var dir = new TempDir();
        var serde = new GatedSerde();
        var app = Open(dir.Path, serde);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var store = app.GetTimestampedKeyValueStore<string, string>("q-store");
        string? read = null;
        var reader = new Thread(() =>
        {
            serde.BlockedThread = Environment.CurrentManagedThreadId;
            read = store.TryGet("k3", out var v) ? v.Value : "absent";
        }) { IsBackground = true };
        reader.Start();
        Assert.True(serde.Entered.Wait(TestOptions.Idle), "the query never reached the store's read");

        var close = app.CloseAsync();
        // Leaving the read blocked when the close did not wait: letting it go would run RocksDB on a closed database.
        // Without the wait the close ends in well under a second even on a loaded 2-core machine; with it, never.
        var first = await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(3)));
        Assert.False(first == close, "the close released the database while a query was reading it");
        serde.Release.Set();
        Assert.True(reader.Join(TestOptions.Idle));
        await close;
        Assert.Equal("v3", read);
        Assert.Equal(StreamsState.NotRunning, app.State);
        Assert.ThrowsAny<InvalidStateStoreException>(() => store.TryGet("k3", out _));
    }

    /// <summary>
    /// A store part resolved before the close and read after it (a query or a gauge collection that resolved its parts
    /// just before the close, then lost the CPU) is refused with an <see cref="InvalidStateStoreException"/>. Before, the
    /// read ran on the disposed database's zeroed handles: the test host died of SIGSEGV.
    /// </summary>
    [Fact]
    public async Task APartResolvedBeforeTheClose_ReadAfterIt_IsRefused()
    {
        using var dir = new TempDir();
        var app = Open(dir.Path, Serdes.String);
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var resolve = ((IQueryableStores)app).Resolve("q-store", QueryableStoreKind.KeyValue, typeof(string), typeof(ValueAndTimestamp<string>), null);
        var parts = resolve();
        Assert.True(parts[0].Read<IReadOnlyKeyValueStore<string, ValueAndTimestamp<string>>, bool>(s => s.TryGet("k3", out _)));
        await app.CloseAsync();
        Assert.ThrowsAny<InvalidStateStoreException>(() => parts[0].Read<IReadOnlyKeyValueStore<string, ValueAndTimestamp<string>>, bool>(s => s.TryGet("k3", out _)));
        Assert.Null(BraidApplication.EntriesOf(parts));
    }
}
