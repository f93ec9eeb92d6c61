using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Tests.State;

/// <summary>
/// The behaviour every <see cref="ISessionStore{TKey,TValue}"/> must have. A new implementation (RocksDB)
/// derives from this class and supplies <see cref="Create"/>; keys are strings ordered by their UTF-8 bytes.
/// </summary>
public abstract class SessionStoreContractTests
{
    /// <summary>Creates an empty store with the given retention.</summary>
    protected abstract ISessionStore<string, string> Create(long retentionMs);

    private static Windowed<string> S(string key, long start, long end) => new(key, new Window(start, end));

    private static List<string> Render(IEnumerable<KeyValue<Windowed<string>, string>> sessions) =>
        sessions.Select(s => $"{s.Key.Key}[{s.Key.Window.Start},{s.Key.Window.End}]={s.Value}").ToList();

    [Fact]
    public void FindSessions_ReturnsSessionsOverlappingTheRange_OrderedByEndThenStart()
    {
        var s = Create(1000);
        s.Put(S("k", 20, 30), "c");
        s.Put(S("k", 0, 5), "a");
        s.Put(S("k", 10, 12), "b");
        s.Put(S("k", 8, 12), "b0");
        s.Put(S("other", 0, 100), "x");
        // end >= 6 and start <= 20
        Assert.Equal(["k[8,12]=b0", "k[10,12]=b", "k[20,30]=c"], Render(s.FindSessions("k", 6, 20)));
        // both bounds inclusive
        Assert.Equal(["k[0,5]=a"], Render(s.FindSessions("k", 5, 7)));
        Assert.Empty(s.FindSessions("missing", 0, 100));
    }

    [Fact]
    public void Put_ReplacesTheSameSession_AndRemoveDeletesIt()
    {
        var s = Create(1000);
        s.Put(S("k", 0, 5), "a");
        s.Put(S("k", 0, 5), "b");
        Assert.True(s.TryFetchSession("k", 0, 5, out var v));
        Assert.Equal("b", v);
        Assert.Equal(["k[0,5]=b"], Render(s.FindSessions("k", 0, 10)));
        Assert.True(s.Remove(S("k", 0, 5)));
        Assert.False(s.Remove(S("k", 0, 5)));
        Assert.False(s.TryFetchSession("k", 0, 5, out _));
        Assert.Empty(s.FindSessionsByEndTime(0, 10));
    }

    [Fact]
    public void TryFetchSession_NeedsTheExactWindow()
    {
        var s = Create(1000);
        s.Put(S("k", 0, 5), "a");
        Assert.False(s.TryFetchSession("k", 0, 6, out _));
        Assert.False(s.TryFetchSession("k", 1, 5, out _));
        Assert.False(s.TryFetchSession("j", 0, 5, out _));
    }

    [Fact]
    public void FindSessionsByEndTime_SpansKeys_OrderedByEndThenKeyBytesThenStart()
    {
        var s = Create(1000);
        s.Put(S("b", 1, 10), "b1");
        s.Put(S("a", 3, 10), "a3");
        s.Put(S("a", 2, 10), "a2");
        s.Put(S("c", 0, 5), "c");
        s.Put(S("a", 0, 20), "late");
        Assert.Equal(["c[0,5]=c", "a[2,10]=a2", "a[3,10]=a3", "b[1,10]=b1"], Render(s.FindSessionsByEndTime(5, 10)));
        Assert.Equal(["a[0,20]=late"], Render(s.FindSessionsByEndTime(11, 100)));
    }

    [Fact]
    public void Sessions_ExpireOnceTheirEndFallsBehindStreamTimeMinusRetention()
    {
        var s = Create(10);
        s.Put(S("k", 0, 5), "old");
        s.Put(S("k", 12, 15), "edge");   // stream time 15: 5 >= 15 - 10, still live
        Assert.Equal(2, s.FindSessions("k", 0, 100).Count);
        s.Put(S("k", 16, 16), "new");    // stream time 16: 5 < 6, expired
        Assert.Equal(["k[12,15]=edge", "k[16,16]=new"], Render(s.FindSessions("k", 0, 100)));
        Assert.False(s.TryFetchSession("k", 0, 5, out _));
        Assert.Equal(16, s.ObservedStreamTime);
        // a put of an already expired session stores nothing
        Assert.False(s.Put(S("k", 1, 2), "too-old"));
        Assert.Empty(s.FindSessionsByEndTime(0, 5));
    }

    [Fact]
    public void Results_AreSnapshots_SoTheCallerMayWriteWhileReading()
    {
        var s = Create(1000);
        s.Put(S("k", 0, 1), "a");
        s.Put(S("k", 2, 3), "b");
        foreach (var session in s.FindSessions("k", 0, 10)) s.Remove(session.Key);
        Assert.Empty(s.FindSessions("k", 0, 10));
    }

    [Fact]
    public void Put_RejectsASessionThatEndsBeforeItStarts()
    {
        var s = Create(1000);
        Assert.Throws<ArgumentException>(() => s.Put(S("k", 5, 4), "x"));
    }
}

/// <summary>The in-memory session store against the contract.</summary>
public sealed class InMemorySessionStoreTests : SessionStoreContractTests
{
    protected override ISessionStore<string, string> Create(long retentionMs) =>
        new InMemorySessionStore<string, string>("sessions", retentionMs, Serdes.String);
}
