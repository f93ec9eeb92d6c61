using Braid.Serialization;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A call on a closed RocksDatabase throws ObjectDisposedException and never runs on the freed native handles (a stream
/// thread abandoned by a close's timeout may still call; before the guard that was a SIGSEGV of the whole process, so
/// under the mutation "Enter does not check the flag" this test host dies instead of failing one test).
/// </summary>
public sealed class ClosedDatabaseTests : IDisposable
{
    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EveryCallAfterDispose_ThrowsObjectDisposed_NotANativeCrash()
    {
        var db = RocksDatabase.Open(Path.Combine(_dir.Path, "db"), new RocksDbStateOptions(), ["s"]);
        var family = db.StoreFamily("s");
        db.Db.Put([1], [2], family);
        Assert.True(db.TryRead(family, [1], Serdes.ByteArray, out var before));
        Assert.Equal([2], before);
        // Filled before the close: filling a batch reads the family handle, which the close frees (not guarded here).
        using var batch = new RocksDbSharp.WriteBatch();
        batch.Put([3], [4], family);
        db.Dispose();
        db.Dispose(); // idempotent
        Assert.True(db.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => db.TryRead(family, [1], Serdes.ByteArray, out _));
        Assert.Throws<ObjectDisposedException>(() => db.TryReadBytes(family, [1]));
        Assert.Throws<ObjectDisposedException>(() => db.NewIterator(family));
        Assert.Throws<ObjectDisposedException>(() => db.StoreFamily("another"));
        Assert.Throws<ObjectDisposedException>(() => db.Write(batch));
    }

    [Fact]
    public async Task ReadersRacingADispose_EachCallEitherCompletesOrThrowsObjectDisposed()
    {
        var db = RocksDatabase.Open(Path.Combine(_dir.Path, "race"), new RocksDbStateOptions(), ["s"]);
        var family = db.StoreFamily("s");
        for (byte i = 0; i < 100; i++) db.Db.Put([i], [i], family);
        int completed = 0, refused = 0;
        var batches = Enumerable.Range(0, 2).Select(t => new RocksDbSharp.WriteBatch().Put([(byte)t], [(byte)t], family)).ToArray();
        var started = new CountdownEvent(2);
        var readers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            started.Signal();
            for (int n = 0; ; n++)
            {
                try
                {
                    if (!db.TryRead(family, [(byte)(n % 100)], Serdes.ByteArray, out var v) || v[0] != (byte)(n % 100))
                        throw new InvalidOperationException("a committed key read wrong");
                    db.Write(batches[t]);
                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })).ToArray();
        started.Wait();
        await Task.Delay(50);
        db.Dispose();
        await Task.WhenAll(readers);
        Assert.True(completed > 0);
        Assert.Equal(2, refused);
    }
}
