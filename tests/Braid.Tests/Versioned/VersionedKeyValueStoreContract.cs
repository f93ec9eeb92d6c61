using Braid.State;
using CsCheck;

namespace Braid.Tests.Versioned;

/// <summary>
/// The contract every <see cref="IVersionedKeyValueStore{TKey,TValue}"/> implementation must meet
/// (Kafka's RocksDBVersionedStore semantics). Each implementation derives a test class from this one
/// (a RocksDB store's test project links this file with &lt;Compile Include="…"/&gt;).
/// </summary>
public abstract class VersionedKeyValueStoreContract
{
    /// <summary>A fresh, empty store of string keys and nullable-by-reference string values.</summary>
    protected abstract IVersionedKeyValueStore<string, string> CreateStore(TimeSpan historyRetention);

    private IVersionedKeyValueStore<string, string> Store(long retentionMs = 1_000) => CreateStore(TimeSpan.FromMilliseconds(retentionMs));

    [Fact]
    public void Put_InOrder_BecomesLatest_AndEndsThePreviousVersion()
    {
        var s = Store();
        Assert.Equal(VersionedPutResult.Latest, s.Put("k", "a", 10));
        Assert.Equal(VersionedPutResult.Latest, s.Put("k", "b", 20));

        Assert.True(s.TryGet("k", out var latest));
        Assert.Equal(new VersionedRecord<string>("b", 20, null), latest);
        Assert.True(s.TryGet("k", 15, out var old));
        Assert.Equal(new VersionedRecord<string>("a", 10, 20), old);
        Assert.False(s.TryGet("k", 9, out _));
    }

    [Fact]
    public void Put_OutOfOrder_LandsInHistory_SplittingTheIntervalItFallsIn()
    {
        var s = Store();
        s.Put("k", "a", 10);
        s.Put("k", "c", 30);
        Assert.Equal(VersionedPutResult.History, s.Put("k", "b", 20));

        Assert.True(s.TryGet("k", 19, out var a));
        Assert.Equal(new VersionedRecord<string>("a", 10, 20), a);
        Assert.True(s.TryGet("k", 25, out var b));
        Assert.Equal(new VersionedRecord<string>("b", 20, 30), b);
        Assert.True(s.TryGet("k", out var latest));
        Assert.Equal("c", latest.Value);
    }

    [Fact]
    public void Put_OlderThanEveryVersion_BecomesTheFirstVersion()
    {
        var s = Store();
        s.Put("k", "b", 20);
        Assert.Equal(VersionedPutResult.History, s.Put("k", "a", 5));
        Assert.True(s.TryGet("k", 7, out var a));
        Assert.Equal(new VersionedRecord<string>("a", 5, 20), a);
    }

    [Fact]
    public void Put_AtAnExistingTimestamp_ReplacesThatVersion()
    {
        var s = Store();
        s.Put("k", "a", 10);
        s.Put("k", "b", 20);
        Assert.Equal(VersionedPutResult.History, s.Put("k", "a2", 10));
        Assert.Equal(VersionedPutResult.Latest, s.Put("k", "b2", 20));
        Assert.True(s.TryGet("k", 10, out var a));
        Assert.Equal(new VersionedRecord<string>("a2", 10, 20), a);
        Assert.True(s.TryGet("k", out var b));
        Assert.Equal(new VersionedRecord<string>("b2", 20, null), b);
    }

    [Fact]
    public void Tombstone_IsAVersion_KeyIsAbsentInItsInterval_AndItCountsAsLatest()
    {
        var s = Store();
        s.Put("k", "a", 10);
        Assert.Equal(VersionedPutResult.Latest, s.Put("k", null, 20));
        Assert.False(s.TryGet("k", out _));
        Assert.False(s.TryGet("k", 25, out _));
        Assert.True(s.TryGet("k", 15, out var a));
        Assert.Equal(new VersionedRecord<string>("a", 10, 20), a);

        // Older than the tombstone: history, not latest, even though the key reads as absent now.
        Assert.Equal(VersionedPutResult.History, s.Put("k", "x", 15));
        Assert.False(s.TryGet("k", out _));
        Assert.True(s.TryGet("k", 17, out var x));
        Assert.Equal(new VersionedRecord<string>("x", 15, 20), x);
    }

    [Fact]
    public void Delete_PutsATombstone_AndReturnsTheVersionItEnded()
    {
        var s = Store();
        s.Put("k", "a", 10);
        s.Put("k", "b", 30);
        Assert.True(s.Delete("k", 20, out var ended));
        Assert.Equal(new VersionedRecord<string>("a", 10, 30), ended);
        Assert.False(s.TryGet("k", 25, out _));
        Assert.True(s.TryGet("k", 30, out _));
        Assert.False(s.Delete("other", 20, out _));
    }

    [Fact]
    public void Put_OlderThanObservedStreamTimeMinusRetention_IsNotPut()
    {
        var s = Store(retentionMs: 100);
        s.Put("k", "a", 1_000);
        Assert.Equal(VersionedPutResult.NotPut, s.Put("k", "old", 899));
        Assert.Equal(VersionedPutResult.NotPut, s.Put("other", "old", 899));
        Assert.Equal(VersionedPutResult.History, s.Put("k", "edge", 900));
        Assert.False(s.TryGet("other", out _));
        // A refused put does not move observed stream time, and a delete that old is a no-op.
        Assert.False(s.Delete("k", 899, out _));
        Assert.True(s.TryGet("k", 950, out var edge));
        Assert.Equal("edge", edge.Value);
    }

    [Fact]
    public void History_OlderThanRetention_IsNoLongerReadable_ButTheLatestValueIs()
    {
        var s = Store(retentionMs: 100);
        s.Put("k", "a", 10);
        s.Put("k", "b", 50);
        s.Put("other", "z", 1_000); // moves observed stream time to 1000: cutoff 900
        Assert.False(s.TryGet("k", 40, out _)); // a@10 is history older than the cutoff
        Assert.True(s.TryGet("k", 900, out var b));
        Assert.Equal(new VersionedRecord<string>("b", 50, null), b);
        Assert.True(s.TryGet("k", out var latest));
        Assert.Equal("b", latest.Value);
    }

    /// <summary>
    /// Kafka's RocksDBVersionedStore.get(key, asOf): below the cutoff the latest version still answers when its
    /// timestamp is at or before the lookup time (the latest version never expires); a tombstone or a later
    /// latest version answers nothing. Vectors repro-b3-*.
    /// </summary>
    [Fact]
    public void AsOfLookup_OlderThanRetention_ReturnsTheLatestVersion_WhenItIsAtOrBeforeTheLookupTime()
    {
        var s = Store(retentionMs: 10);
        s.Put("k", "t1", 5);
        s.Put("d", "x", 5);
        s.Put("d", null, 6);
        s.Put("late", "y", 70);
        s.Put("other", "x", 100); // cutoff 90
        Assert.True(s.TryGet("k", 50, out var t1));
        Assert.Equal(new VersionedRecord<string>("t1", 5, null), t1);
        Assert.True(s.TryGet("k", 5, out _));
        Assert.False(s.TryGet("k", 4, out _));
        Assert.False(s.TryGet("d", 50, out _));   // latest is a tombstone
        Assert.False(s.TryGet("late", 50, out _)); // latest is after the lookup time
        Assert.True(s.TryGet("late", 80, out var y));
        Assert.Equal(new VersionedRecord<string>("y", 70, null), y);
    }

    /// <summary>
    /// Random puts, deletes and reads against a model that never forgets: every readable answer and every
    /// put result must agree, so expiry only ever drops what can no longer be read.
    /// On failure CsCheck prints the seed; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void RandomOperations_AgreeWithAModelThatKeepsEverything()
    {
        var op = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Long[0, 400], Gen.Int[0, 3]);
        Gen.Select(op.Array[1, 80], Gen.Long[0, 150]).Sample(t =>
        {
            var (ops, retention) = t;
            var store = Store(retention);
            var model = new Dictionary<string, SortedDictionary<long, string?>>();
            long observed = long.MinValue;
            foreach (var (kind, keyIndex, ts, valueIndex) in ops)
            {
                string key = "k" + keyIndex;
                long cutoff = observed == long.MinValue ? long.MinValue : observed - retention;
                var versions = model.TryGetValue(key, out var v) ? v : model[key] = new SortedDictionary<long, string?>();
                switch (kind)
                {
                    case 0 or 1: // put (value index 3 = tombstone)
                    {
                        string? value = valueIndex == 3 ? null : "v" + valueIndex;
                        var expected = ts < cutoff ? VersionedPutResult.NotPut
                            : versions.Count == 0 || ts >= versions.Keys.Max() ? VersionedPutResult.Latest : VersionedPutResult.History;
                        if (store.Put(key, value, ts) != expected) return false;
                        if (expected != VersionedPutResult.NotPut)
                        {
                            versions[ts] = value;
                            observed = Math.Max(observed, ts);
                        }
                        break;
                    }
                    case 2: // as-of read
                    {
                        bool found = store.TryGet(key, ts, out var r);
                        var at = versions.Where(p => p.Key <= ts).Select(p => (KeyValuePair<long, string?>?)p).LastOrDefault();
                        // Below the cutoff only the latest version answers (Kafka: the latest version never expires).
                        bool isLatest = at is not null && at.Value.Key == versions.Keys.Max();
                        bool modelFound = (ts >= cutoff || isLatest) && at is { Value: not null };
                        if (found != modelFound) return false;
                        if (found)
                        {
                            long? validTo = versions.Keys.Where(k => k > ts).Select(k => (long?)k).FirstOrDefault();
                            if (r != new VersionedRecord<string>(at!.Value.Value!, at.Value.Key, validTo)) return false;
                        }
                        break;
                    }
                    default: // latest read
                    {
                        bool found = store.TryGet(key, out var r);
                        var last = versions.Count == 0 ? (KeyValuePair<long, string?>?)null : versions.Last();
                        bool modelFound = last is { Value: not null };
                        if (found != modelFound) return false;
                        if (found && r != new VersionedRecord<string>(last!.Value.Value!, last.Value.Key, null)) return false;
                        break;
                    }
                }
            }
            return true;
        });
    }
}

/// <summary>The contract, run against the in-memory store.</summary>
public sealed class InMemoryVersionedKeyValueStoreTests : VersionedKeyValueStoreContract
{
    protected override IVersionedKeyValueStore<string, string> CreateStore(TimeSpan historyRetention) =>
        Internal.State.InMemoryStoreFactory.Instance.CreateVersionedKeyValueStore(
            new VersionedStoreBuilder<string, string>("versioned", historyRetention, Serialization.Serdes.String, Serialization.Serdes.String));
}
