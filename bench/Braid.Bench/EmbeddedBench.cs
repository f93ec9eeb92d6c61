using System.Diagnostics;
using System.Globalization;
using Braid.Bench.Baselines;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Bench;

/// <summary>
/// Embedded-runtime workloads (<c>--embedded</c>): the stream–table join on <see cref="BraidApplication"/>
/// (RocksDB state, exactly-once, output written to a local topic) against the same data in the
/// TopologyTestDriver with in-memory stores; and restart time after a kill -9 with a large state.
/// Usage: <c>--embedded [--records N] [--keys K] [--threads T] [--restart-gib G] [--seed S] [--restart-only]</c>.
/// </summary>
internal static class EmbeddedBench
{
    public static void Run(string[] args)
    {
        if (args.Contains("--embedded-child"))
        {
            BuildLargeState(Arg(args, "--dir", ""), long.Parse(Arg(args, "--restart-bytes", "0"), CultureInfo.InvariantCulture));
            return;
        }
        int records = int.Parse(Arg(args, "--records", "1000000"), CultureInfo.InvariantCulture);
        int keys = int.Parse(Arg(args, "--keys", "100000"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        double gib = double.Parse(Arg(args, "--restart-gib", "1"), CultureInfo.InvariantCulture);
        long seed = long.Parse(Arg(args, "--seed", "42"), CultureInfo.InvariantCulture);
        if (args.Contains("--restart-only"))
        {
            RestartAfterKill((long)(gib * (1L << 30)));
            return;
        }
        var data = Dataset.Create(Workload.StreamTable, records, keys, seed, 1, 0);

        var (run, _) = BraidWorkloads.Prepare(data);
        var sw = Stopwatch.StartNew();
        run();
        double driverRps = records / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"driver (in-memory)           : {driverRps,12:N0} records/s");

        foreach (int t in new[] { 1, threads }.Distinct())
        {
            double rps = EmbeddedStreamTable(data, t);
            Console.WriteLine($"embedded (RocksDB, EOS, {t} thr): {rps,12:N0} records/s = {rps / driverRps:P0} of the driver");
        }
        if (gib > 0) RestartAfterKill((long)(gib * (1L << 30)));
    }

    private static Topology StreamTable()
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var table = b.Table("table", strings, Materialized.As<string, string>("table-store"));
        b.Stream("stream", strings).Join(table, JoinSpec.Join).To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static double EmbeddedStreamTable(Dataset data, int threads)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"braid-bench-{Environment.ProcessId}-{threads}");
        try
        {
            using var app = new BraidApplication(StreamTable(), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "bench" },
                StateDirectory = dir,
                StreamThreads = threads,
                DefaultPartitions = int.Parse(Environment.GetEnvironmentVariable("BENCH_PARTITIONS") ?? threads.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            });
            // Input is written before timing (the driver's input is pre-serialized too).
            var bytes = Serdes.ByteArray;
            app.CreateProducer("table", bytes, bytes).Send(data.KeyBytes.Select((k, i) => new TopicRecord<byte[], byte[]>(k, data.TableValueBytes[i], Dataset.T0)));
            app.CreateProducer("stream", bytes, bytes).Send(Enumerable.Range(0, data.Count)
                .Select(i => new TopicRecord<byte[], byte[]>(data.KeyBytes[data.KeyIdx[i]], data.ValueBytes[i], data.Ts[i])));
            using var commits = new CommitWatch();
            var sw = Stopwatch.StartNew();
            app.StartAsync().GetAwaiter().GetResult();
            app.WaitForIdleAsync(TimeSpan.FromMinutes(30)).GetAwaiter().GetResult();
            sw.Stop();
            Console.WriteLine($"  {threads} thr: {commits.Count:N0} commits, {commits.TotalMs:N0} ms in commits of {sw.Elapsed.TotalMilliseconds:N0} ms");
            app.CloseAsync().GetAwaiter().GetResult();
            return data.Count / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Topology Table()
    {
        var b = new StreamsBuilder();
        b.Table("big", Consumed.With(Serdes.String, Serdes.ByteArray), Materialized.As<string, byte[]>("big-store"));
        return b.Build();
    }

    private static BraidApplicationOptions TableOptions(string dir) => new()
    {
        Streams = new StreamsConfig { ApplicationId = "restart" },
        StateDirectory = dir,
        Topics = [new TopicOptions { Name = "big", Cleanup = CleanupPolicy.Delete, RetentionBytes = 64L << 20, SegmentBytes = 16L << 20 }],
        LogCleanerInterval = TimeSpan.FromSeconds(2),
    };

    /// <summary>Child: fills a table store with about <paramref name="bytes"/> of state, commits, says "ready" and waits to be killed.</summary>
    private static void BuildLargeState(string dir, long bytes)
    {
        var app = new BraidApplication(Table(), TableOptions(dir));
        app.StartAsync().GetAwaiter().GetResult();
        var producer = app.CreateProducer("big", Serdes.String, Serdes.ByteArray);
        // Random values: RocksDB compresses, and zeros would make "1 GiB of state" a few MiB on disk.
        var rng = new Random(7);
        const int valueSize = 1024;
        long n = bytes / (valueSize + 16);
        const int batch = 50_000;
        for (long i = 0; i < n; i += batch)
        {
            producer.Send(Enumerable.Range(0, (int)Math.Min(batch, n - i)).Select(j =>
            {
                var value = new byte[valueSize];
                rng.NextBytes(value);
                return new TopicRecord<string, byte[]>("key" + (i + j).ToString("D10", CultureInfo.InvariantCulture), value, i + j);
            }));
            // Keep the input log bounded: wait for the state to catch up before producing more.
            app.WaitForIdleAsync(TimeSpan.FromMinutes(30)).GetAwaiter().GetResult();
        }
        Console.WriteLine($"ready {n}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }

    private static void RestartAfterKill(long bytes)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"braid-bench-restart-{Environment.ProcessId}");
        try
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(EmbeddedBench).Assembly.Location);
            foreach (var a in new[] { "--embedded", "--embedded-child", "--dir", dir, "--restart-bytes", bytes.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            var build = Stopwatch.StartNew();
            using var child = Process.Start(psi)!;
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null && !line.StartsWith("ready", StringComparison.Ordinal)) { }
            if (line is null) throw new InvalidOperationException("the state-building child ended without becoming ready.");
            long keys = long.Parse(line[6..], CultureInfo.InvariantCulture);
            child.Kill(); // SIGKILL: no graceful close, no final commit beyond what was committed.
            child.WaitForExit();
            long stateBytes = new DirectoryInfo(Path.Combine(dir, "restart", "state")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine($"state built in {build.Elapsed.TotalSeconds:F0} s: {keys:N0} keys, {stateBytes / (double)(1L << 30):F2} GiB on disk; killed with SIGKILL");
            var sw = Stopwatch.StartNew();
            using var app = new BraidApplication(Table(), TableOptions(dir));
            app.StartAsync().GetAwaiter().GetResult();
            sw.Stop();
            var store = app.GetTimestampedKeyValueStore<string, byte[]>("big-store");
            bool kept = store.TryGet("key" + (keys - 1).ToString("D10", CultureInfo.InvariantCulture), out _);
            Console.WriteLine($"restart after kill -9 to Running: {sw.Elapsed.TotalMilliseconds:F0} ms (state kept: {kept})");
            app.CloseAsync().GetAwaiter().GetResult();
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

/// <summary>Counts the embedded runtime's commits and their total time (the <c>braid.commit.latency</c> histogram).</summary>
internal sealed class CommitWatch : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _count;
    private double _totalMs;

    public CommitWatch()
    {
        _listener.InstrumentPublished = (i, l) => { if (i.Name == "braid.commit.latency") l.EnableMeasurementEvents(i); };
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) => { Interlocked.Increment(ref _count); lock (_listener) _totalMs += ms; });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public double TotalMs { get { lock (_listener) return _totalMs; } }

    public void Dispose() => _listener.Dispose();
}
