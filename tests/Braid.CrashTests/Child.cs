using Braid.Embedded;
using Braid.Internal.Partitioning;
using Braid.Serialization;

namespace Braid.CrashTests;

/// <summary>
/// The child side: <c>produce</c> appends the input (resuming where a crashed producer stopped: per partition,
/// the records already in the log are skipped, since appends keep each partition's order) and flushes it;
/// <c>run</c> processes until killed, reporting its lag; <c>finish</c> runs to idle and closes. A child whose
/// application ends in an error prints it on one line starting <c>error:</c> and exits with 3.
/// </summary>
internal static class Child
{
    public static int Run(string mode, BraidApplicationOptions options, int records, int seed, int upTo)
    {
        try
        {
            return RunCore(mode, options, records, seed, upTo);
        }
        catch (Exception e)
        {
            Console.WriteLine("error: " + Describe(e));
            return 3;
        }
    }

    private static int RunCore(string mode, BraidApplicationOptions options, int records, int seed, int upTo)
    {
        if (mode == "inbox-produce") return InboxProduce(options, records, seed, upTo);
        using var app = new BraidApplication(CrashWorkload.Build(), options);
        if (mode == "produce")
        {
            int appended = 0;
            // A prefix of the input is a prefix of each partition's records: resuming stays exact.
            foreach (var g in CrashWorkload.Generate(records, seed).Take(upTo).GroupBy(r => r.Topic))
            {
                var producer = app.CreateProducer<string, string>(g.Key, Serdes.String, Serdes.String);
                var present = new long[producer.Partitions];
                foreach (var r in app.CreateReader<string, string>(g.Key, Serdes.String, Serdes.String).ReadToEnd()) present[r.Partition]++;
                var missing = new List<TopicRecord<string, string>>();
                foreach (var r in g)
                {
                    int p = Murmur2Partitioner.Partition(Serdes.String.Serialize(r.Key)!, producer.Partitions);
                    if (present[p] > 0) present[p]--;
                    else missing.Add(new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp));
                }
                // Appends go partition by partition, in order: a crash between two leaves a clean prefix of each.
                producer.Send(missing);
                producer.Flush();
                appended += missing.Count;
            }
            Console.WriteLine($"produced {appended} records");
            return 0;
        }
        app.StartAsync().GetAwaiter().GetResult();
        if (mode == "run")
        {
            // Run until killed; the lag reports show where each kill landed.
            while (true)
            {
                if (app.State is StreamsState.Error or StreamsState.PendingShutdown)
                {
                    SpinWait.SpinUntil(() => app.State == StreamsState.Error, TimeSpan.FromSeconds(30));
                    Console.WriteLine("error: " + (app.Error is null ? $"state {app.State}" : Describe(app.Error)));
                    return 3;
                }
                Console.WriteLine($"lag {app.GetLag().Values.Sum()}");
                Thread.Sleep(20);
            }
        }
        app.WaitForIdleAsync(TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BRAID_CRASH_IDLE_SECONDS") ?? "600"))).GetAwaiter().GetResult();
        app.CloseAsync().GetAwaiter().GetResult();
        Console.WriteLine($"finished ({app.State})");
        return 0;
    }

    /// <summary>
    /// Another process producing while the application is killed and restarted: through the inbox (no directory
    /// lock), the input in generation order, <see cref="InboxBatch"/> records at a time, pausing between batches
    /// (BRAID_CRASH_INBOX_PACE_MS) so that production spans the kills. Never killed itself: each Send returns
    /// once its batch is durable.
    /// </summary>
    private static int InboxProduce(BraidApplicationOptions options, int records, int seed, int upTo)
    {
        string appDir = Path.Combine(options.StateDirectory, options.Streams.ApplicationId);
        var producers = CrashWorkload.Inputs.ToDictionary(t => t, t => new InboxProducer<string, string>(appDir, t, Serdes.String, Serdes.String));
        int pace = int.Parse(Environment.GetEnvironmentVariable("BRAID_CRASH_INBOX_PACE_MS") ?? "500");
        var input = CrashWorkload.Generate(records, seed).Take(upTo).ToList();
        for (int i = 0; i < input.Count; i += InboxBatch)
        {
            foreach (var g in input.Skip(i).Take(InboxBatch).GroupBy(r => r.Topic))
                producers[g.Key].Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
            Thread.Sleep(pace);
        }
        Console.WriteLine($"inbox produced {input.Count} records");
        return 0;
    }

    /// <summary>Records per inbox round (one batch file per topic partition).</summary>
    public const int InboxBatch = 100;

    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) parts.Add($"{x.GetType().Name}: {x.Message}".ReplaceLineEndings(" "));
        return string.Join(" <- ", parts);
    }
}
