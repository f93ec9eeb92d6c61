using System.Globalization;
using System.Text;
using System.Text.Json;
using Braid.Bench.Baselines;
using Braid.Serialization;
using Braid.State;
using Braid.Testing;

namespace Braid.Bench;

/// <summary>One sample of the memory study: state of a stream–stream inner join after <see cref="Records"/> inputs.</summary>
internal sealed record MemorySample(string Backend, long WindowMs, long GraceMs, int RatePerSec, long Records, long StreamTimeMs,
    long BufferedRecords, long ExpectedBuffered, double HeapMb, double DiskMb, double BytesPerBuffered);

/// <summary>
/// How much state a stream–stream join keeps (issue #5): for window ±W, grace G and input rate R (records/s of event
/// time, alternating sides, 10,000 keys), each side's store must hold the last 2W + G of its input, so about
/// (2W + G)·R records in all, whatever the run length. Samples every tenth of a long run: records buffered (counted
/// through the public Fetch, so what the stores answer, not what they physically keep: the in-memory store drops
/// whole half-retention segments, so up to 1.5× stays allocated) and the GC heap after a full collection, above
/// the heap before the first record. Bytes per buffered record = heap growth / buffered records in memory; on RocksDB
/// (committed every <see cref="CommitEvery"/> records) = SST bytes of the two stores after a flush and full
/// compaction at each sample (live state on disk, compressed; RocksDB's own memory is native and not in the GC heap).
/// </summary>
internal static class MemoryStudy
{
    private const int Keys = 10_000;
    private const int CommitEvery = 10_000;

    public static void Run(BenchOptions opts)
    {
        // Window, grace, rate: the window and the rate each vary alone, so linear growth in each is visible.
        (long W, long G, int R)[] configs = [(1_000, 0, 1_000), (5_000, 0, 1_000), (20_000, 0, 1_000), (5_000, 5_000, 1_000), (5_000, 0, 4_000)];
        int records = opts.Quick ? 300_000 : 2_000_000;
        var samples = new List<MemorySample>();
        foreach (var kind in new[] { StoreKind.Memory, StoreKind.RocksDb })
            foreach (var (w, g, r) in configs)
                samples.AddRange(RunOne(kind, w, g, r, records, opts.Seed));
        Print(samples);
        Write(samples, opts.Out);
    }

    private static List<MemorySample> RunOne(StoreKind kind, long windowMs, long graceMs, int rate, int records, long seed)
    {
        var keyStrings = Enumerable.Range(0, Keys).Select(k => "k" + k.ToString("D5", CultureInfo.InvariantCulture)).ToArray();
        var keyBytes = keyStrings.Select(Encoding.UTF8.GetBytes).ToArray();
        var rng = new Random((int)seed);
        var keyIdx = new int[records];
        for (int i = 0; i < records; i++) keyIdx[i] = rng.Next(Keys);

        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.FromMilliseconds(windowMs), TimeSpan.FromMilliseconds(graceMs));
        long outputs = 0;
        b.Stream("left", strings)
            .Join(b.Stream("right", strings), JoinSpec.Join, windows, new StreamJoined<string, string, string> { StoreName = "mem" })
            .Foreach((_, _) => outputs++);
        using var state = new BenchStores(kind, CommitEvery);
        using var driver = state.CreateDriver(b.Build());
        string[] storeNames = ["mem-this-join-store", "mem-other-join-store"];
        var stores = storeNames.Select(n => (IWindowStore<string, string>)driver.GetStateStore(n)).ToArray();

        long heap0 = GC.GetTotalMemory(forceFullCollection: true);
        var samples = new List<MemorySample>();
        int every = records / 10;
        long ts = 0;
        for (int i = 0; i < records; i++)
        {
            ts = Dataset.T0 + (long)i * 1000 / rate;
            // Distinct values, as in the throughput workloads (identical ones would flatter RocksDB's compression).
            var value = Encoding.UTF8.GetBytes("v" + i.ToString("D7", CultureInfo.InvariantCulture));
            driver.Pipe((i & 1) == 0 ? "left" : "right", keyBytes[keyIdx[i]], value, ts, null);
            state.AfterRecord(i);
            if ((i + 1) % every != 0) continue;
            long buffered = 0;
            var scratch = new List<TimestampedValue<string>>();
            foreach (var store in stores)
                foreach (var k in keyStrings)
                {
                    scratch.Clear();
                    buffered += store.Fetch(k, 0, long.MaxValue, scratch);
                }
            double heapMb = (GC.GetTotalMemory(forceFullCollection: true) - heap0) / 1048576.0;
            long expected = Math.Min(i + 1, (2 * windowMs + graceMs) * rate / 1000);
            double diskMb = state.CompactedBytes(storeNames) / 1048576.0;
            double perRecordMb = kind == StoreKind.Memory ? heapMb : diskMb;
            samples.Add(new MemorySample(BenchStores.ImplName(kind), windowMs, graceMs, rate, i + 1, ts - Dataset.T0, buffered, expected, heapMb,
                diskMb, buffered == 0 ? 0 : perRecordMb * 1048576.0 / buffered));
        }
        GC.KeepAlive(outputs);
        return samples;
    }

    private static void Print(IReadOnlyList<MemorySample> samples)
    {
        Console.WriteLine("stream-stream inner join state: buffered records and heap growth over a long run");
        Console.WriteLine($"{"backend",-15}{"window",8}{"grace",7}{"rate/s",8}{"records",10}{"stream s",10}{"buffered",10}{"(2W+G)R",10}{"heap MB",9}{"SST MB",9}{"B/buffered",11}");
        foreach (var s in samples)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Backend,-15}{"±" + s.WindowMs / 1000 + "s",8}{s.GraceMs / 1000 + "s",7}{s.RatePerSec,8}{s.Records,10}{s.StreamTimeMs / 1000.0,10:F0}{s.BufferedRecords,10}{s.ExpectedBuffered,10}{s.HeapMb,9:F1}{s.DiskMb,9:F1}{s.BytesPerBuffered,11:F0}"));
    }

    private static void Write(IReadOnlyList<MemorySample> samples, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "memory.json"), JsonSerializer.Serialize(samples, BenchResult.Json) + "\n");
        var csv = new StringBuilder("backend,window_ms,grace_ms,rate_per_sec,records,stream_time_ms,buffered_records,expected_buffered,heap_mb,sst_mb_compacted,bytes_per_buffered\n");
        foreach (var s in samples)
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{s.Backend},{s.WindowMs},{s.GraceMs},{s.RatePerSec},{s.Records},{s.StreamTimeMs},{s.BufferedRecords},{s.ExpectedBuffered},{s.HeapMb:F2},{s.DiskMb:F2},{s.BytesPerBuffered:F1}\n"));
        File.WriteAllText(Path.Combine(dir, "memory.csv"), csv.ToString());
    }
}
