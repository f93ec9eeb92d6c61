using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Braid.Bench.Baselines;
using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Bench;

/// <summary>One latency setting's result: throughput at saturation, then latency at half of it.</summary>
internal sealed record LatencyResult(string Join, string Guarantee, int CommitIntervalMs, double MaxRps, double PacedRps, int Samples,
    double P50Ms, double P99Ms, double P999Ms, double MaxMs);

/// <summary>
/// End-to-end latency on the embedded runtime (<c>--latency</c>): from <c>TopicProducer.Send</c> to the join result
/// being readable by a <see cref="TopicReader{TKey,TValue}"/> on the output topic (which returns committed output
/// only, so under exactly-once a result becomes readable at the commit that covers it). Per setting (join ×
/// guarantee × commit interval): first the maximum throughput (a burst of records, timed until all results are
/// readable), then a paced run at half of it, each record carrying its send time (Stopwatch ticks) in its value;
/// a reader thread polls the output every millisecond and records now − send time. Joins: stream–table (table
/// preloaded) and stream–stream inner (±5 s; each key's left record, then its right record, which makes the result).
/// </summary>
internal static class LatencyStudy
{
    private const int Keys = 10_000;

    public static void Run(BenchOptions opts)
    {
        var paced = TimeSpan.FromSeconds(opts.Quick ? 3 : 10);
        int burst = opts.Quick ? 50_000 : 200_000;
        var settings = new List<(string Join, ProcessingGuarantee G, int CommitMs)>
        {
            ("stream-table", ProcessingGuarantee.AtLeastOnce, 100), ("stream-table", ProcessingGuarantee.ExactlyOnce, 100),
            ("stream-stream", ProcessingGuarantee.AtLeastOnce, 100), ("stream-stream", ProcessingGuarantee.ExactlyOnce, 100),
        };
        foreach (int ms in new[] { 10, 30, 300, 1000 }) settings.Add(("stream-table", ProcessingGuarantee.ExactlyOnce, ms));
        // --workload stream-table / stream-stream-inner keeps that join's settings only (a study of one join).
        var joins = opts.Workloads.Select(w => w.Name()).ToHashSet();
        if (!joins.Contains("stream-table") || !joins.Contains("stream-stream-inner"))
            settings.RemoveAll(s => !joins.Contains(s.Join == "stream-table" ? "stream-table" : "stream-stream-inner"));
        // One untimed burst first, so the first setting's maximum is not measured on unjitted code.
        Measure("stream-table", ProcessingGuarantee.ExactlyOnce, 100, burst, 0, TimeSpan.Zero);
        Measure("stream-stream", ProcessingGuarantee.ExactlyOnce, 100, burst, 0, TimeSpan.Zero);
        var results = new List<LatencyResult>();
        Console.WriteLine($"{"join",-14}{"guarantee",-14}{"commit ms",10}{"max rec/s",12}{"paced rec/s",13}{"p50 ms",9}{"p99 ms",9}{"p99.9 ms",10}{"max ms",9}");
        foreach (var (join, g, ms) in settings)
        {
            double max = Measure(join, g, ms, burst, 0, TimeSpan.Zero).Rps;
            var (_, latencies, rps, breakdown) = Measure(join, g, ms, int.MaxValue, max / 2, paced);
            latencies.Sort();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            var r = new LatencyResult(join, g == ProcessingGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once", ms, max, rps, latencies.Count,
                P(0.5), P(0.99), P(0.999), latencies.Count == 0 ? double.NaN : latencies[^1]);
            results.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Join,-14}{r.Guarantee,-14}{r.CommitIntervalMs,10}{r.MaxRps,12:N0}{r.PacedRps,13:N0}{r.P50Ms,9:F1}{r.P99Ms,9:F1}{r.P999Ms,10:F1}{r.MaxMs,9:F1}"));
            Console.WriteLine("    " + breakdown);
        }
        Directory.CreateDirectory(opts.Out);
        File.WriteAllText(Path.Combine(opts.Out, "latency.json"), JsonSerializer.Serialize(results, BenchResult.Json) + "\n");
        var csv = new StringBuilder("join,guarantee,commit_interval_ms,max_rps,paced_rps,samples,p50_ms,p99_ms,p999_ms,max_ms\n");
        foreach (var r in results)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Join},{r.Guarantee},{r.CommitIntervalMs},{r.MaxRps:F0},{r.PacedRps:F0},{r.Samples},{r.P50Ms:F2},{r.P99Ms:F2},{r.P999Ms:F2},{r.MaxMs:F2}\n");
        File.WriteAllText(Path.Combine(opts.Out, "latency.csv"), csv.ToString());
    }

    /// <summary>
    /// Sends <paramref name="count"/> results' worth of input (or, when paced, for <paramref name="duration"/> at
    /// <paramref name="rate"/> results/s) and returns the result rate from first send to last result readable, and the latencies.
    /// </summary>
    private static (double Rps, List<double> Latencies, double Rate, LatencyBreakdown Breakdown) Measure(string join, ProcessingGuarantee g, int commitMs, int count, double rate, TimeSpan duration)
    {
        string dir = Path.Combine(Path.GetTempPath(), "braid-bench-latency-" + Guid.NewGuid().ToString("N"));
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        if (join == "stream-table")
            b.Stream("left", strings).Join(b.Table("table", strings), (l, _) => l).To("out", Produced.With(Serdes.String, Serdes.String));
        else
            b.Stream("left", strings).Join(b.Stream("right", strings), (_, r) => r, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromSeconds(5)))
                .To("out", Produced.With(Serdes.String, Serdes.String));
        using var app = new BraidApplication(b.Build(), new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = "braid-latency" },
            StateDirectory = dir,
            ProcessingGuarantee = g,
            CommitInterval = TimeSpan.FromMilliseconds(commitMs),
        });
        var left = app.CreateProducer("left", Serdes.String, Serdes.String);
        var right = join == "stream-table" ? app.CreateProducer("table", Serdes.String, Serdes.String) : app.CreateProducer("right", Serdes.String, Serdes.String);
        var keys = Enumerable.Range(0, Keys).Select(k => "k" + k.ToString("D5", CultureInfo.InvariantCulture)).ToArray();
        if (join == "stream-table")
        {
            for (int k = 0; k < Keys; k++) right.Send(keys[k], "t", Dataset0 - 1);
            right.Flush();
        }
        var reader = app.CreateReader("out", Serdes.String, Serdes.String);
        app.StartAsync().GetAwaiter().GetResult();
        if (join == "stream-table") app.WaitForIdleAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();

        var latencies = new List<double>();
        long received = 0, sent = 0;
        bool done = false;
        var readerThread = new Thread(() =>
        {
            while (!Volatile.Read(ref done) || Interlocked.Read(ref received) < Interlocked.Read(ref sent))
            {
                var batch = reader.Poll();
                long now = Stopwatch.GetTimestamp();
                foreach (var r in batch) latencies.Add(Stopwatch.GetElapsedTime(long.Parse(r.Value!, CultureInfo.InvariantCulture), now).TotalMilliseconds);
                Interlocked.Add(ref received, batch.Count);
                if (batch.Count == 0) Thread.Sleep(1);
            }
        }) { IsBackground = true };
        readerThread.Start();

        using var diagnostics = new LatencyDiagnostics();
        diagnostics.Start();
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < count && (duration == TimeSpan.Zero || sw.Elapsed < duration); i++)
        {
            if (rate > 0)
            {
                // Pace: never ahead of i / rate seconds; send in whatever small bursts the clock allows.
                while (sw.Elapsed.TotalSeconds < i / rate) Thread.Sleep(0);
            }
            string key = keys[i % Keys];
            long ts = Dataset0 + i;
            if (join == "stream-stream") left.Send(key, "l", ts);
            (join == "stream-stream" ? right : left).Send(key, Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture), ts);
            Interlocked.Increment(ref sent);
        }
        Volatile.Write(ref done, true);
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref received) < Interlocked.Read(ref sent) && deadline.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(5);
        double elapsed = sw.Elapsed.TotalSeconds;
        var breakdown = diagnostics.Stop();
        readerThread.Join(TimeSpan.FromSeconds(5));
        app.CloseAsync().GetAwaiter().GetResult();
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { /* a leftover temp dir must not fail the benchmark */ }
        if (Interlocked.Read(ref received) != Interlocked.Read(ref sent))
            throw new InvalidOperationException($"latency run lost results: sent {sent}, read {received} ({join}, {g}, {commitMs} ms)");
        return (sent / elapsed, latencies, sent / Math.Max(duration.TotalSeconds, 1e-9), breakdown);
    }

    private const long Dataset0 = Baselines.Dataset.T0;
}
