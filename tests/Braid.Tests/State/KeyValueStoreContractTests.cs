using Braid.Internal.State;
using Braid.Serialization;
using Braid.State;

namespace Braid.Tests.State;

/// <summary>
/// The key–value store contract. Every implementation (in-memory here, RocksDB in Braid.RocksDb)
/// derives from this class and passes the same tests.
/// </summary>
public abstract class KeyValueStoreContractTests
{
    protected abstract IKeyValueStore<string, string> CreateStore(string name);

    [Fact]
    public void TryGet_ReportsAbsence_ForUnknownKey()
    {
        var store = CreateStore("s");
        Assert.False(store.TryGet("missing", out _));
    }

    [Fact]
    public void Put_ThenGet_ReturnsLatestValue()
    {
        var store = CreateStore("s");
        store.Put("a", "1");
        store.Put("a", "2");
        Assert.True(store.TryGet("a", out var v));
        Assert.Equal("2", v);
        Assert.Equal(1, store.ApproximateCount);
    }

    [Fact]
    public void Delete_RemovesKey_AndReportsWhetherItExisted()
    {
        var store = CreateStore("s");
        store.Put("a", "1");
        Assert.True(store.Delete("a"));
        Assert.False(store.Delete("a"));
        Assert.False(store.TryGet("a", out _));
    }

    [Fact]
    public void Range_IsInclusive_AndOrderedBySerializedKey()
    {
        var store = CreateStore("s");
        foreach (var k in new[] { "d", "b", "a", "c", "e" }) store.Put(k, k.ToUpperInvariant());
        Assert.Equal(["b", "c", "d"], store.Range("b", "d").Select(kv => kv.Key));
        Assert.Empty(store.Range("d", "b"));
    }

    [Fact]
    public void All_ReturnsEveryEntryInKeyOrder_AfterDeletes()
    {
        var store = CreateStore("s");
        foreach (var k in new[] { "b", "a", "c" }) store.Put(k, k);
        store.All().ToList(); // builds any ordered index; later writes must keep it right
        store.Delete("b");
        store.Put("d", "d");
        Assert.Equal(["a", "c", "d"], store.All().Select(kv => kv.Key));
    }

    [Fact]
    public void PrefixScan_ReturnsOnlyKeysWithThePrefix()
    {
        var store = CreateStore("s");
        foreach (var k in new[] { "user:1", "user:2", "usa", "user", "users:9", "other" }) store.Put(k, k);
        var keys = store.PrefixScan("user:", Serdes.String).Select(kv => kv.Key).ToList();
        Assert.Equal(["user:1", "user:2"], keys);
    }

    [Fact]
    public void Scan_IsASnapshot_SoWritesDuringEnumerationAreSafe()
    {
        var store = CreateStore("s");
        foreach (var k in new[] { "a", "b", "c" }) store.Put(k, k);
        foreach (var kv in store.All()) store.Delete(kv.Key);
        Assert.Equal(0, store.ApproximateCount);
    }

    [Fact]
    public void NullKey_IsRejectedWithAClearError()
    {
        var store = CreateStore("s");
        Assert.Throws<ArgumentNullException>(() => store.Put(null!, "x"));
    }
}

public sealed class InMemoryKeyValueStoreTests : KeyValueStoreContractTests
{
    protected override IKeyValueStore<string, string> CreateStore(string name) =>
        InMemoryStoreFactory.Instance.CreateKeyValueStore(Stores.KeyValue(name, Serdes.String, Serdes.String));

    [Fact]
    public void ByteArrayKeys_CompareByContent()
    {
        var store = InMemoryStoreFactory.Instance.CreateKeyValueStore(Stores.KeyValue("b", Serdes.ByteArray, Serdes.String));
        store.Put([1, 2], "x");
        Assert.True(store.TryGet([1, 2], out var v));
        Assert.Equal("x", v);
    }
}
