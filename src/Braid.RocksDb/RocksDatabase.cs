using System.Runtime.InteropServices;

namespace Braid.RocksDb;

/// <summary>
/// The one RocksDB database of a state directory, with typed errors, shared read/write options and the
/// column families of the stores. Thread-safe: RocksDB reads and writes are; creating a column family is locked.
/// <para>
/// Layout: one column family per store name (<c>store.&lt;name&gt;</c>), shared by every task that has
/// that store; keys inside start with the task (<see cref="KeyLayout"/>). Why not one family per
/// (task, store): each family has its own memtables and files, so their number should follow the
/// topology, not the partition count. Why not one family for everything: a family per store lets a
/// dropped store be removed whole and keeps each store's keys dense for scans. Host metadata (input
/// offsets, high-water marks) lives in the default column family. All families share one write-ahead
/// log, so a write batch that spans families is still atomic.
/// </para>
/// </summary>
internal sealed class RocksDatabase : IDisposable
{
    private const string StoreFamilyPrefix = "store.";
    private readonly Dictionary<string, ColumnFamilyHandle> _families = new(StringComparer.Ordinal);
    private readonly Lock _familiesLock = new();
    private readonly ColumnFamilyOptions _familyOptions;
    // Calls running on the native handles, and whether Dispose has begun: a call enters (increments, then checks the flag)
    // and Dispose sets the flag, then waits for the count to reach zero before freeing the handles. Either a call sees the
    // flag (ObjectDisposedException) or Dispose sees the call (both are full fences), so no call runs on freed handles:
    // a stream thread abandoned by a close's timeout gets a typed exception instead of a SIGSEGV of the process.
    private int _calls;
    private int _closed;

    private RocksDatabase(RocksDbSharp.RocksDb db, string path, ColumnFamilyOptions familyOptions, RocksDbDurability durability)
    {
        Db = db;
        Path = path;
        _familyOptions = familyOptions;
        WriteOptions = new WriteOptions().SetSync(durability == RocksDbDurability.PowerLoss);
    }

    public RocksDbSharp.RocksDb Db { get; }

    /// <summary>The database directory, named in every error.</summary>
    public string Path { get; }

    /// <summary>Shared by all point reads and scans (ReadOptions are finalizer-freed, so never allocate one per read).</summary>
    public ReadOptions ReadOptions { get; } = new();

    public WriteOptions WriteOptions { get; }

    public ColumnFamilyHandle Metadata => Db.GetDefaultColumnFamily();

    /// <summary>Opens (creating if missing) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The database directory.</param>
    /// <param name="options">The backend's options.</param>
    /// <param name="storeNames">Stores whose column families are created by the open itself when missing (see
    /// <see cref="StoreFamily"/> for why that is cheaper); any other store's family is still created on first use.</param>
    public static RocksDatabase Open(string path, RocksDbStateOptions options, IEnumerable<string>? storeNames = null)
    {
        Directory.CreateDirectory(path);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetDbWriteBufferSize((ulong)options.WriteBufferBytes)
            .SetKeepLogFileNum(2)
            // Tolerate only an incomplete last record (a batch cut short by a crash or power loss is dropped
            // whole); any other damage in the write-ahead log fails the open with a corruption error. Point-in-
            // time recovery would instead stop silently at the damage and drop every later commit, rolling the
            // state back behind logs and offsets (issue 15, row 9). RocksDB's WAL recovery modes:
            // kTolerateCorruptedTailRecords / kPointInTimeRecovery in include/rocksdb/options.h.
            .SetWalRecoveryMode(Recovery.TolerateCorruptedTailRecords);
        var familyOptions = StoreFamilyOptions();
        var families = new ColumnFamilies(familyOptions);
        try
        {
            var names = new List<string>();
            if (File.Exists(System.IO.Path.Combine(path, "CURRENT")))
                foreach (var name in RocksDbSharp.RocksDb.ListColumnFamilies(dbOptions, path))
                    if (name != ColumnFamilies.DefaultName) names.Add(name);
            // Families asked for but missing are created by the open (SetCreateMissingColumnFamilies): like a family
            // created on first use they are empty, and an empty family reads as an empty store.
            foreach (var store in storeNames ?? [])
                if (!names.Contains(StoreFamilyPrefix + store)) names.Add(StoreFamilyPrefix + store);
            foreach (var name in names) families.Add(name, familyOptions);
            var db = RocksDbSharp.RocksDb.Open(dbOptions, path, families);
            var database = new RocksDatabase(db, path, familyOptions, options.Durability);
            foreach (var name in families.Names)
                if (name.StartsWith(StoreFamilyPrefix, StringComparison.Ordinal))
                    database._families[name[StoreFamilyPrefix.Length..]] = db.GetColumnFamily(name);
            return database;
        }
        catch (RocksDbException e)
        {
            throw OpenError(path, e);
        }
    }

    /// <summary>
    /// Options of every store's column family, Kafka Streams' defaults where they apply (<c>RocksDBStore.openDB</c>):
    /// a full Bloom filter (10 bits per key) in every table file, so a point read of an absent key (a first lookup,
    /// a join's probe, a delete of a key that was never written) skips files instead of searching each L0 file's
    /// index and data blocks; no compression — the stores' keys and small values compress little, and compressing
    /// every flushed and compacted block costs CPU a 2-core machine lacks. Beyond Kafka: a whole-key Bloom filter
    /// in the memtable too (2% of its size), because with 100 ms commits most absent-key reads are answered by the
    /// memtables, where RocksDB otherwise walks the skiplist of each one. None of this changes what is stored or
    /// the write-ahead log (durability and atomicity of a commit are the write batch's, see <see cref="Write"/>);
    /// table files written with other options stay readable.
    /// </summary>
    private static ColumnFamilyOptions StoreFamilyOptions()
    {
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(Native.Instance.rocksdb_filterpolicy_create_bloom_full(10))
            .SetWholeKeyFiltering(true);
        var options = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetCompression(Compression.No)
            .SetMemtablePrefixBloomSizeRatio(0.02);
        Native.Instance.rocksdb_options_set_memtable_whole_key_filtering(options.Handle, 1);
        return options;
    }

    private static StateStoreException OpenError(string path, RocksDbException e)
    {
        string m = e.Message;
        // Corruption first: its messages may mention a "block", which contains "lock".
        if (m.Contains("Corruption", StringComparison.OrdinalIgnoreCase))
            return new StateStoreException(path, "the database is corrupt (" + m + "). Restore it from a backup or delete the directory to rebuild state.", e);
        // RocksDB reports "lock hold by current process ... /LOCK: No locks available" (same process)
        // or "While lock file: .../LOCK: Resource temporarily unavailable" (another process).
        if (m.Contains("/LOCK", StringComparison.Ordinal) || m.Contains("lock hold", StringComparison.OrdinalIgnoreCase))
            return new StateDirectoryLockedException(path, e);
        return new StateStoreException(path, "the database could not be opened: " + m, e);
    }

    /// <summary>
    /// The column family of a store, created on first use when the open did not create it. A family created here costs
    /// far more than one created by the open (issue 19, session 14, s14-emb; strace of a stream–stream pass): RocksDB's
    /// <c>CreateColumnFamily</c> syncs the manifest and then writes, syncs, renames and re-parses a new OPTIONS file
    /// holding every family's options (<c>DBImpl::WrapUpCreateColumnFamilies</c> → <c>WriteOptionsFile</c>, whose
    /// <c>PersistRocksDBOptions</c> verifies the file by parsing it back), ~10–25 ms per family under load and growing
    /// with the number of families; <c>DB::Open</c> creates its missing families with the manifest write only and writes
    /// the OPTIONS file once, as it does anyway. So the embedded host names its stores at open
    /// (<see cref="RocksDbStateBackend.Open(string, RocksDbStateOptions?, IEnumerable{string}?)"/>).
    /// </summary>
    public ColumnFamilyHandle StoreFamily(string storeName)
    {
        lock (_familiesLock)
        {
            if (_families.TryGetValue(storeName, out var handle)) return handle;
            Enter();
            try
            {
                // Not part of any commit: a crash after this leaves an empty family, which reads as an empty store.
                handle = Db.CreateColumnFamily(_familyOptions, StoreFamilyPrefix + storeName);
            }
            catch (RocksDbException e)
            {
                throw Error($"creating the column family of store '{storeName}' failed", e);
            }
            finally
            {
                Exit();
            }
            _families.Add(storeName, handle);
            return handle;
        }
    }

    /// <summary>The column families of every store known to this database (on disk or created since it opened).</summary>
    public IReadOnlyList<ColumnFamilyHandle> StoreFamilies()
    {
        lock (_familiesLock) return _families.Values.ToList();
    }

    public StateStoreException Error(string what, Exception e) =>
        e.Message.Contains("Corruption", StringComparison.OrdinalIgnoreCase)
            ? new StateStoreException(Path, $"{what}: the database is corrupt ({e.Message}).", e)
            : new StateStoreException(Path, $"{what}: {e.Message}", e);

    /// <summary>
    /// Point read without copying the value into a managed array: RocksDB pins the value and the serde
    /// reads it in place. Absence is explicit (false).
    /// </summary>
    public unsafe bool TryRead<T>(ColumnFamilyHandle family, ReadOnlySpan<byte> key, Serde<T> serde, out T value)
    {
        Enter();
        try
        {
            IntPtr slice, error;
            fixed (byte* k = key)
                slice = Native.Instance.rocksdb_get_pinned_cf(Db.Handle, ReadOptions.Handle, family.Handle, k, (UIntPtr)key.Length, out error);
            if (error != IntPtr.Zero) throw Error("a read failed", new IOException(TakeNativeError(error)));
            if (slice == IntPtr.Zero)
            {
                value = default!;
                return false;
            }
            try
            {
                IntPtr data = Native.Instance.rocksdb_pinnableslice_value(slice, out UIntPtr length);
                value = serde.Deserialize(new ReadOnlySpan<byte>((void*)data, (int)length));
                return true;
            }
            finally
            {
                Native.Instance.rocksdb_pinnableslice_destroy(slice);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Point read into a new array, for cold paths (store metadata); null when absent.</summary>
    public byte[]? TryReadBytes(ColumnFamilyHandle family, ReadOnlySpan<byte> key)
    {
        Enter();
        try
        {
            return Db.Get(key, family, ReadOptions);
        }
        catch (RocksDbException e)
        {
            throw Error("a read failed", e);
        }
        finally
        {
            Exit();
        }
    }

    public Iterator NewIterator(ColumnFamilyHandle family)
    {
        Enter();
        try
        {
            return Db.NewIterator(family, ReadOptions);
        }
        catch (RocksDbException e)
        {
            throw Error("opening an iterator failed", e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Call when <see cref="Iterator.Valid"/> turns false: an iterator also stops on an I/O error or
    /// corruption, and the managed wrapper does not check for it, so without this an error would read
    /// as the end of the data.
    /// </summary>
    public void ThrowIfFailed(Iterator iterator)
    {
        Native.Instance.rocksdb_iter_get_error(iterator.Handle, out IntPtr error);
        if (error == IntPtr.Zero) return;
        throw Error("reading stored entries failed", new IOException(TakeNativeError(error)));
    }

    /// <summary>Reads and frees an error string allocated by RocksDB.</summary>
    private static string TakeNativeError(IntPtr error)
    {
        string message = Marshal.PtrToStringAnsi(error) ?? "unknown error";
        Native.Instance.rocksdb_free(error);
        return message;
    }

    public void Write(WriteBatch batch)
    {
        // A write refused here (closed) wrote nothing: the batch is atomic, so the state is that of the previous commit.
        Enter();
        try
        {
            Db.Write(batch, WriteOptions);
        }
        catch (RocksDbException e)
        {
            throw Error("the commit failed (after a restart the state is that of the previous commit or of this one, whole, never a mix)", e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Refuses new calls (<see cref="ObjectDisposedException"/>), waits for the calls in flight (each one read, write or
    /// iterator creation: short), then closes the database. Iterators already open are their owners' to dispose first.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        var spin = new SpinWait();
        while (Volatile.Read(ref _calls) != 0) spin.SpinOnce();
        Db.Dispose();
    }

    /// <summary>Whether <see cref="Dispose"/> has begun.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    private void Enter()
    {
        Interlocked.Increment(ref _calls);
        if (Volatile.Read(ref _closed) == 0) return;
        Interlocked.Decrement(ref _calls);
        throw new ObjectDisposedException(nameof(RocksDatabase), $"The state database {Path} is closed (its application or task was closed).");
    }

    private void Exit() => Interlocked.Decrement(ref _calls);
}
