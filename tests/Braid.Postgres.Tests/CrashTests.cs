using System.Buffers.Binary;
using System.Diagnostics;
using Braid.Embedded;
using Braid.Serialization;
using Xunit.Abstractions;

namespace Braid.Postgres.Tests;

[Collection(PgCollection.Name)]
public sealed class CrashTests(PgCluster pg, ITestOutputHelper output)
{
    /// <summary>
    /// While the database keeps changing, the shop application runs in a child process that is SIGKILLed
    /// at random moments (the first kill usually lands in the initial snapshot of 3,000 rows, the others
    /// while streaming). Afterwards a last run catches up, and the table and the per-category count/sum
    /// must equal the database, and no replication position (commit LSN, place in the transaction) may
    /// appear twice in the topic. Replay with BRAID_PG_SEED=&lt;seed&gt;.
    /// </summary>
    [Fact]
    public async Task Killing_the_application_mid_stream_neither_loses_nor_repeats_a_change()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BRAID_PG_SEED"), out int s) ? s : Random.Shared.Next();
        int kills = int.TryParse(Environment.GetEnvironmentVariable("BRAID_PG_KILLS"), out int k) ? k : 4;
        output.WriteLine($"seed {seed}, kills {kills}");
        var rng = new Random(seed);
        string cs = pg.NewDatabase();
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products SELECT g, 'c' || (g % 7), (g % 1000) / 10.0, 'p' || g FROM generate_series(1, 30000) g;");
        using var dir = new TempDir();
        var workload = new RandomWorkload(seed, keySpace: 31000);
        using var stopWriting = new CancellationTokenSource();
        long batches = 0;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                // Once, a truncate of the whole table and a refill in one transaction (thousands of deletes to append).
                await Db.ExecAsync(cs, Interlocked.Read(ref batches) == 120
                    ? "BEGIN; TRUNCATE products; INSERT INTO products SELECT g, 'c' || (g % 5), g % 100, NULL FROM generate_series(1, 5000) g; COMMIT;"
                    : workload.NextBatch(5, allowTruncate: false));
                Interlocked.Increment(ref batches);
                await Task.Delay(5);
            }
        });
        for (int i = 0; i < kills; i++)
        {
            bool startup = i < 2 || rng.Next(4) == 0;
            int delay = startup ? rng.Next(0, 400) : rng.Next(200, 2000);
            string line = RunChildAndKill(dir.Path, cs, waitForRunning: !startup, delay);
            output.WriteLine($"kill {i + 1}: {line}; landed {Phase(dir.Path)}");
        }
        await stopWriting.CancelAsync();
        await writer;
        output.WriteLine($"database batches written during the kills: {batches}");

        var source = Shop.Source(cs);
        await using var app = new BraidApplication(Shop.Build(source), Shop.Options(dir.Path));
        await using (var replication = await source.StartAsync(app))
        {
            await app.StartAsync();
            await SnapshotAndStreamingTests.CaughtUp(app, replication);
            Assert.Equal(Db.Show(await Db.ProductsAsync(cs)), Db.Show(Db.Table(app)));
            Assert.Equal(Db.Show(await Db.TotalsAsync(cs)), Db.Show(Db.Totals(app)));
        }
        var positions = app.CreateReader(source.Topic, Serdes.ByteArray, Serdes.ByteArray).ReadToEnd()
            .Select(r => r.Headers!.TryGetLast("braid.pg.position", out var h) ? h.Value! : throw new InvalidOperationException("no position"))
            .Where(p => BinaryPrimitives.ReadUInt64BigEndian(p) != 0) // snapshot rows are rewritten when a snapshot is retaken
            .Select(Convert.ToHexString).ToList();
        int duplicated = positions.Count - positions.Distinct().Count();
        output.WriteLine($"kills: {kills}, streamed changes in the topic: {positions.Count}, duplicated: {duplicated}, table rows: {Db.Table(app).Count}");
        Assert.Equal(0, duplicated);
    }

    /// <summary>Where the kill landed, from what it left on disk: before the snapshot, inside it, or while streaming.</summary>
    private static string Phase(string dir)
    {
        string app = Path.Combine(dir, "shop");
        if (File.Exists(Path.Combine(app, "postgres", "braid_products.snapshot-complete"))) return "after the snapshot (streaming)";
        string topic = Path.Combine(app, "topics", "postgres.public.products");
        long bytes = Directory.Exists(topic) ? Directory.GetFiles(topic, "*.log", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
        return bytes > 0 ? $"inside the snapshot ({bytes} bytes of it appended)" : "before the snapshot";
    }

    private static string RunChildAndKill(string dir, string cs, bool waitForRunning, int delayMs)
    {
        string dll = typeof(Shop).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(cs);
        using var running = new ManualResetEventSlim();
        using var starting = new ManualResetEventSlim();
        string last = "not running yet";
        using var child = new Process { StartInfo = psi };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            last = e.Data;
            if (e.Data.StartsWith("running", StringComparison.Ordinal)) running.Set();
            if (e.Data.StartsWith("snapshot rows", StringComparison.Ordinal) || e.Data.StartsWith("running", StringComparison.Ordinal)) starting.Set();
        };
        child.Start();
        child.BeginOutputReadLine();
        var stderr = child.StandardError.ReadToEndAsync();
        // A start-up kill is aimed into the 30,000-row snapshot (after its first batch); if the snapshot was already complete, at streaming.
        if (!(waitForRunning ? running : starting).Wait(TimeSpan.FromSeconds(90)))
        {
            child.Kill();
            throw new InvalidOperationException($"child did not start: {last}\n{stderr.Result}");
        }
        if (child.WaitForExit(delayMs))
            throw new InvalidOperationException($"child exited by itself ({child.ExitCode}): {last}\n{stderr.Result}");
        child.Kill(); // SIGKILL: no finally blocks, no flush, no acknowledgement.
        child.WaitForExit();
        return $"after {delayMs} ms ({(waitForRunning ? "streaming" : "aimed into the snapshot")}): {last}";
    }
}
