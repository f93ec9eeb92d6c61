using Braid.Internal.State;
using Braid.Processors;
using Braid.RocksDb;
using Braid.Testing;

namespace Braid.Bench;

internal enum StoreKind { Memory, RocksDb }

/// <summary>
/// The task state behind one benchmark driver: Braid's in-memory stores, or Braid.RocksDb's stores in a fresh
/// directory, committed (one WriteBatch) every <see cref="CommitInterval"/> of processing, as the embedded runtime's
/// default commit interval (and Kafka Streams' under exactly-once) would; until a commit the RocksDB stores keep
/// writes in their pending overlay, so never committing would measure a dictionary, not RocksDB.
/// <para>
/// Until issue 19 (session 4) the row committed every 10,000 records. That made it pay for up to 10× more commits
/// than the embedded row at the same speed, and a commit's cost is per distinct key written, not per record: on
/// table–table (10,000 keys per table) the embedded runtime at ~1M rec/s wrote each key about once per 100k records,
/// the row once per 10k — the whole of its 3.6× gap to the embedded runtime. Time-based commits charge both rows
/// the same rule; <see cref="Commits"/> says how many a run made.
/// </para>
/// </summary>
internal sealed class BenchStores : IDisposable
{
    /// <summary>The embedded runtime's default commit interval (<c>StreamsConfig.CommitInterval</c>).</summary>
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(100);
    private const int ClockCheckEvery = 256;
    private static readonly long CommitIntervalTicks = (long)(CommitInterval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private readonly RocksDbStateBackend? _backend;
    private readonly ITaskState? _task;
    private readonly string? _dir;
    private readonly int? _commitEveryRecords;
    private bool _disposed;
    private long _lastCommit; // 0 until the first record: the interval starts with the timed run, not with Prepare
    private readonly BenchPhases? _phases = BenchPhases.StartIfRequested();

    /// <param name="kind">In-memory or RocksDB stores.</param>
    /// <param name="commitEveryRecords">Commit by record count instead of time (studies that must be deterministic).</param>
    public BenchStores(StoreKind kind, int? commitEveryRecords = null)
    {
        Kind = kind;
        _commitEveryRecords = commitEveryRecords;
        Retired.CloseLast(); // the previous pass's database, untimed (see Dispose); also before an in-memory pass (MemoryStudy mixes both kinds)
        if (kind == StoreKind.Memory) return;
        _dir = Path.Combine(Path.GetTempPath(), "braid-bench-rocks-" + Guid.NewGuid().ToString("N"));
        _backend = RocksDbStateBackend.Open(_dir);
        _task = _backend.OpenTask(new TaskId(0, 0));
    }

    public StoreKind Kind { get; }

    public static string ImplName(StoreKind kind) => kind == StoreKind.Memory ? "braid-driver" : "braid-rocksdb";

    public TopologyTestDriver CreateDriver(Topology topology) =>
        _task is null ? new TopologyTestDriver(topology) : new TopologyTestDriver(topology, null, 0, _task.Stores);

    /// <summary>Commits made by this run (RocksDB only).</summary>
    public int Commits { get; private set; }

    /// <summary>Called after record i: commits on RocksDB once <see cref="CommitInterval"/> has passed since the last commit.</summary>
    public void AfterRecord(int i)
    {
        if (_backend is null) return;
        _phases?.Record(i);
        if (_commitEveryRecords is { } every)
        {
            if ((i + 1) % every == 0) Commit();
            return;
        }
        if ((i + 1) % ClockCheckEvery != 0) return;
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_lastCommit == 0) _lastCommit = now;
        if (now - _lastCommit < CommitIntervalTicks) return;
        Commit();
        _lastCommit = System.Diagnostics.Stopwatch.GetTimestamp(); // after the commit, as TaskRunner.MaybeCommit does
    }

    private void Commit()
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        _backend!.Commit([_task!], NoMetadata);
        Commits++;
        _phases?.Committed(t0);
    }

    /// <summary>
    /// RocksDB only: flushes and fully compacts the stores' column families, then returns their SST bytes, i.e. the
    /// live state on disk (expired segments are range deletes, which only compaction reclaims). 0 in memory.
    /// </summary>
    public long CompactedBytes(IEnumerable<string> storeNames)
    {
        if (_backend is null) return 0;
        long total = 0;
        foreach (var name in storeNames)
        {
            var family = _backend.Database.StoreFamily(name);
            _backend.Database.Db.CompactRange((byte[]?)null, null, family);
            total += long.Parse(_backend.Database.Db.GetProperty("rocksdb.total-sst-files-size", family), System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    /// <summary>
    /// The end of a pass, inside the row's timed action: the final commit (durable work a long-running application pays,
    /// so it stays timed). RocksDB's close and the directory's delete are handed to <see cref="Retired"/> and run untimed
    /// before the next instance opens (in the next pass's preparation) or when the process exits: a long-running
    /// application pays neither per record, and the close does no durable work — with the write-ahead log on and unsynced
    /// commits (<c>RocksDbDurability.ProcessCrash</c>) it writes no table file and syncs nothing (strace of a q3 pass:
    /// `ftruncate` of the log and manifest to their used size, unlinks; the commits' log writes already hold everything),
    /// it stops background threads and frees memtables. Timings behind this: bench/results/issue19-before-after.md,
    /// "session 8, s10-rocks".
    /// </summary>
    public void Dispose()
    {
        if (_backend is null || _disposed) return;
        _disposed = true;
        _phases?.Mark(BenchPhases.Phase.Loop);
        _backend.Commit([_task!], NoMetadata);
        _phases?.Mark(BenchPhases.Phase.FinalCommit);
        _phases?.Print(Commits);
        Retired.Hand(_backend, _dir!, _phases is not null);
        if (TimeClose) Retired.CloseLast(); // the old timing, for A/B pairs that separate it from product changes
    }

    /// <summary><c>BENCH_TIME_CLOSE=1</c>: close and delete inside the timed action again, as before session 8.</summary>
    private static readonly bool TimeClose = Environment.GetEnvironmentVariable("BENCH_TIME_CLOSE") == "1";

    /// <summary>
    /// The last pass's RocksDB instance, closed and deleted untimed: by the next <see cref="BenchStores"/> (whose
    /// constructor runs in a pass's untimed preparation) or at process exit. One at a time, so a row never holds more
    /// than one spare database open, and it is closed before the next pass starts (no background work overlaps a pass).
    /// </summary>
    private static class Retired
    {
        private static readonly Lock Gate = new();
        private static (RocksDbStateBackend Backend, string Dir, bool Print)? _last;

        static Retired() => AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseLast();

        public static void Hand(RocksDbStateBackend backend, string dir, bool print)
        {
            CloseLast();
            lock (Gate) _last = (backend, dir, print);
        }

        public static void CloseLast()
        {
            (RocksDbStateBackend Backend, string Dir, bool Print)? last;
            lock (Gate)
            {
                last = _last;
                _last = null;
            }
            if (last is not { } l) return;
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            l.Backend.Dispose(); // closes the task too
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            try { Directory.Delete(l.Dir, recursive: true); }
            catch (IOException) { /* a leftover temp dir must not fail the benchmark */ }
            if (l.Print) BenchPhases.PrintUntimed(t1 - t0, System.Diagnostics.Stopwatch.GetTimestamp() - t1);
        }
    }
}
