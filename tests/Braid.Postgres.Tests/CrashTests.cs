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
        await Db.ExecAsync(cs, Shop.CreateTable + "INSERT INTO products SELECT g, 'c' || (g % 7), (g % 1000) / 10.0, 'p' || g FROM generate_series(1, 3000) g;");
        using var dir = new TempDir();
        var workload = new RandomWorkload(seed, keySpace: 3200);
        using var stopWriting = new CancellationTokenSource();
        long batches = 0;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await Db.ExecAsync(cs, workload.NextBatch(5, allowTruncate: Interlocked.Read(ref batches) % 100 == 99));
                Interlocked.Increment(ref batches);
                await Task.Delay(5);
            }
        });
        for (int i = 0; i < kills; i++)
        {
            int delay = i == 0 ? rng.Next(300, 1500) : rng.Next(200, 2000);
            string line = RunChildAndKill(dir.Path, cs, waitForRunning: i != 0, delay);
            output.WriteLine($"kill {i + 1}: {line}");
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

    private static string RunChildAndKill(string dir, string cs, bool waitForRunning, int delayMs)
    {
        string dll = typeof(Shop).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(cs);
        using var running = new ManualResetEventSlim();
        string last = "not running yet";
        using var child = new Process { StartInfo = psi };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            last = e.Data;
            if (e.Data.StartsWith("running", StringComparison.Ordinal)) running.Set();
        };
        child.Start();
        child.BeginOutputReadLine();
        var stderr = child.StandardError.ReadToEndAsync();
        if (waitForRunning && !running.Wait(TimeSpan.FromSeconds(90)))
        {
            child.Kill();
            throw new InvalidOperationException($"child did not start: {last}\n{stderr.Result}");
        }
        if (child.WaitForExit(delayMs))
            throw new InvalidOperationException($"child exited by itself ({child.ExitCode}): {last}\n{stderr.Result}");
        child.Kill(); // SIGKILL: no finally blocks, no flush, no acknowledgement.
        child.WaitForExit();
        return $"after {delayMs} ms ({(waitForRunning ? "streaming" : "during start-up")}): {last}";
    }
}
