using System.Diagnostics;
using System.Globalization;
using Braid.Kafka.Internal;
using Braid.Kafka.Mock;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>What a run measured.</summary>
public sealed record HarnessResult(int Instances, int Kills, long Lost, IReadOnlyList<long> FailoverMs, IReadOnlyList<long> Restored, long StoreSize)
{
    /// <summary>Times an instance ended on its own (not killed by the harness): each is a failure of the run.</summary>
    public int Crashed { get; init; }

    public static long P50(IReadOnlyList<long> xs) => xs.Count == 0 ? 0 : xs.Order().ElementAt((xs.Count - 1) / 2);

    /// <summary>The summary line, exactly as issue 17 gives it.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"instances: {Instances}, kills: {Kills}, lost: {Lost}, failover p50: {P50(FailoverMs)} ms, max: {(FailoverMs.Count == 0 ? 0 : FailoverMs.Max())} ms, restored per failover p50: {P50(Restored)}");
}

/// <summary>
/// The fail-over harness (parent side): a mock cluster here, the instances as child processes (<see cref="FailoverChild"/>),
/// input produced at a steady pace while a seeded schedule SIGKILLs a random instance that runs tasks, waits until every
/// one of its tasks runs on a survivor (the fail-over time; the survivors' restored changelog records over that window
/// are the restore per fail-over), then restarts it. At the end every input must be reflected in the outputs.
/// </summary>
public static class FailoverHarness
{
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(60);

    public static async Task<HarnessResult> RunAsync(HarnessOptions o, TextWriter log)
    {
        var rng = new Random(o.Seed);
        log.WriteLine($"seed: {o.Seed} (replay with --seed {o.Seed}){(o.LagAware ? ", lag-aware task assignment" : "")}");
        string root = Path.Combine(Path.GetTempPath(), $"braid-failover-{Environment.ProcessId}-{o.Seed}");
        using var cluster = new MockKafkaCluster(3);
        var layout = CreateTopics(cluster, o.Partitions, o.LagAware);
        var clock = Stopwatch.StartNew();
        var children = Enumerable.Range(0, o.Instances).Select(i => new ChildProcess("i" + i, Path.Combine(root, "i" + i))).ToList();
        try
        {
            using var producer = new InputProducer(cluster.BootstrapServers);
            for (int c = 0; c < FailoverWorkload.CustomerCount; c++)
                producer.Send(FailoverWorkload.Customers, FailoverWorkload.Customer(c), "name" + c, FailoverWorkload.CustomerTimestamp);
            if (producer.Complete(TimeSpan.FromSeconds(60)) is > 0 and var missing) throw new TimeoutException($"{missing} customers not acknowledged by the cluster in 60 s");
            foreach (var c in children) c.Start(cluster.BootstrapServers, o.Standbys, o.LagAware, clock);
            int allTasks = layout.Tasks.Count;
            await WaitAsync(() => Covered(children) == allTasks, TimeSpan.FromSeconds(120), "every task running");
            // Orders must find their customer: wait until the table tasks logged every customer.
            await WaitAsync(() => ChangelogRecords(cluster, layout, "customers-store") >= FailoverWorkload.CustomerCount, TimeSpan.FromSeconds(60), "customers in the table");

            // Input flows until at least --records are sent and every kill is done, so each fail-over happens under load
            // (a kill on a quiet store measures little: the survivor's own checkpoint is then current).
            using var killsDone = new CancellationTokenSource();
            var producing = Task.Run(() => Produce(producer, o.Records, killsDone.Token));
            var failovers = new List<long>();
            var restored = new List<long>();
            var killing = Stopwatch.StartNew();
            for (int k = 0; k < o.Kills; k++)
            {
                if (o.MaxMinutes > 0 && killing.Elapsed > TimeSpan.FromMinutes(o.MaxMinutes))
                {
                    log.WriteLine($"--max-minutes {o.MaxMinutes} reached after {k} kills: no more kills");
                    break;
                }
                await Task.Delay(rng.Next(300, 2500));
                foreach (var c in children.Where(c => !c.Alive))
                {
                    c.NoteCrash(); // every instance was up after the last restart: this one died on its own
                    log.WriteLine($"{c.Name} crashed (exit code {c.Crashes.LastOrDefault()}): restarted");
                    c.Start(cluster.BootstrapServers, o.Standbys, o.LagAware, clock);
                }
                var candidates = children.Where(c => c.Alive && c.Last.Active.Count > 0).ToList();
                if (candidates.Count == 0 || children.Count(c => c.Alive) < 2) continue;
                var victim = candidates[rng.Next(candidates.Count)];
                var tasks = victim.Last.Active;
                var survivors = children.Where(c => c != victim && c.Alive).ToList();
                var before = survivors.ToDictionary(c => c, c => c.Last.Restored);
                victim.Kill();
                log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} kill {k + 1}: {victim.Name} SIGKILLed, active [{string.Join(' ', tasks.Order())}]");
                long killedAt = clock.ElapsedMilliseconds;
                try
                {
                    await WaitAsync(() => tasks.All(t => survivors.Any(c => c.Last.AtMs > killedAt && c.Last.Active.Contains(t))), FailoverLimit, "fail-over");
                }
                catch (TimeoutException)
                {
                    log.WriteLine($"kill {k + 1}: tasks of {victim.Name} not taken over within {FailoverLimit.TotalSeconds} s");
                }
                long took = clock.ElapsedMilliseconds - killedAt;
                long rest = survivors.Sum(c => c.Last.Restored - before[c]);
                failovers.Add(took);
                restored.Add(rest);
                log.WriteLine($"kill {k + 1}: {victim.Name} ({tasks.Count} tasks) taken over in {took} ms, {rest} changelog records restored");
                victim.Start(cluster.BootstrapServers, o.Standbys, o.LagAware, clock);
                // Up again (its first report): the rebalance that gives it tasks back runs while the next kill is scheduled.
                // A child that died while starting ends the wait: the next round restarts it and counts the crash, and its
                // standard error goes to the log (a timeout here said nothing about why the restart never reported).
                try
                {
                    await WaitAsync(() => victim.Last.AtMs > killedAt || !victim.Alive, TimeSpan.FromSeconds(120), "restart");
                }
                finally
                {
                    if (!victim.Alive || victim.Last.AtMs <= killedAt)
                    {
                        log.WriteLine($"{victim.Name} did not report after its restart ({(victim.Alive ? "alive" : "exited")}); its last standard error lines:");
                        foreach (var line in victim.RecentErrors) log.WriteLine("  " + line);
                    }
                }
            }
            killsDone.Cancel();
            int produced = await producing;
            log.WriteLine($"input: {produced} records over {killing.Elapsed.TotalSeconds:F0} s");
            // A record the input producer failed to deliver was re-sent (InputProducer): say so, as it is not Braid's doing.
            int undelivered = producer.Complete(TimeSpan.FromSeconds(60));
            if (producer.Failures > 0 || undelivered > 0)
                log.WriteLine($"input deliveries that failed and were re-sent: {producer.Failures}, still unacknowledged: {undelivered} (first: {string.Join("; ", producer.Errors)})");
            var atStart = Positions(cluster.BootstrapServers, layout, log);
            long lost = await VerifyAsync(cluster.BootstrapServers, produced, log);
            if (lost > 0 && atStart is not null && Positions(cluster.BootstrapServers, layout, log) is { } atEnd)
            {
                // Name the stalled tasks and who should have taken them, so a stall is diagnosable from the log alone.
                foreach (var line in StallReport.Lines(atStart, atEnd, children.Select(c => (c.Name, c.Alive, c.Last)).ToList(), clock.ElapsedMilliseconds)) log.WriteLine(line);
            }
            long store = ChangelogRecords(cluster, layout, "counts") + ChangelogRecords(cluster, layout, "customers-store");
            log.WriteLine($"store size (changelog records, both stores): {store}");
            foreach (var c in children) c.NoteCrash();
            // An instance that died on its own (not one of the kills) is a failure of the run, even with nothing lost.
            foreach (var c in children.Where(c => c.Crashes.Count > 0))
                log.WriteLine($"CRASHED: {c.Name} ended on its own {c.Crashes.Count} time(s), exit codes {string.Join(", ", c.Crashes)}");
            var result = new HarnessResult(o.Instances, failovers.Count, lost, failovers, restored, store) { Crashed = children.Sum(c => c.Crashes.Count) };
            log.WriteLine(result.Summary);
            return result;
        }
        finally
        {
            foreach (var c in children) c.Stop(TimeSpan.FromSeconds(10));
            foreach (var c in children) c.Dispose();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static TopicLayout CreateTopics(MockKafkaCluster cluster, int partitions, bool lagAware)
    {
        var external = new[] { FailoverWorkload.Clicks, FailoverWorkload.Orders, FailoverWorkload.Customers };
        foreach (var t in external.Append(FailoverWorkload.Counts).Append(FailoverWorkload.Enriched)) cluster.CreateTopic(t, partitions);
        var layout = TopicLayout.Compute(FailoverWorkload.Build().Model, FailoverWorkload.ApplicationId, external.ToDictionary(t => t, _ => partitions));
        if (lagAware) layout.AddTaskTopics();
        foreach (var t in layout.InternalTopics) cluster.CreateTopic(t.Name, t.Partitions);
        return layout;
    }

    private static int Covered(List<ChildProcess> children) =>
        children.Where(c => c.Alive).SelectMany(c => c.Last.Active).Distinct().Count();

    /// <summary>
    /// Produces <paramref name="records"/> records at about 2,000 a second, then a trickle of about 100 a second until
    /// <paramref name="killsDone"/>, so later kills also happen while input flows; returns how many. The trickle keeps
    /// long runs inside the mock cluster's log retention (about 5 MiB per partition; older records silently vanish).
    /// </summary>
    private static int Produce(InputProducer producer, int records, CancellationToken killsDone)
    {
        int i = 0;
        for (; i < records || !killsDone.IsCancellationRequested; i++)
        {
            if (FailoverWorkload.IsOrder(i)) producer.Send(FailoverWorkload.Orders, FailoverWorkload.Customer(i), "o" + i, FailoverWorkload.InputTimestamp(i));
            else producer.Send(FailoverWorkload.Clicks, FailoverWorkload.ClickKey(i), "x" + i, FailoverWorkload.InputTimestamp(i));
            if (i % 100 == 99) Thread.Sleep(i < records ? 50 : 1000);
        }
        return i;
    }

    /// <summary>Lost = clicks missing from their key's final count + orders missing from the join output; waits up to 2 min for the outputs to complete.</summary>
    private static async Task<long> VerifyAsync(string bootstrap, int records, TextWriter log)
    {
        var expectedCounts = Enumerable.Range(0, records).Where(i => !FailoverWorkload.IsOrder(i)).GroupBy(FailoverWorkload.ClickKey).ToDictionary(g => g.Key, g => (long)g.Count());
        var expectedOrders = Enumerable.Range(0, records).Where(FailoverWorkload.IsOrder).Select(i => "o" + i).ToHashSet();
        long lost = long.MaxValue;
        (long MissingClicks, long MissingOrders, Dictionary<string, long> Counts, List<string> Orders)? last = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var counts = new Dictionary<string, long>();
            if (OutputReader.ReadAll(bootstrap, FailoverWorkload.Counts) is not { } countRecords || OutputReader.ReadAll(bootstrap, FailoverWorkload.Enriched) is not { } enriched)
            {
                log.WriteLine("(an output topic was not read to its end within 90 s: read again)");
                continue;
            }
            foreach (var (k, v) in countRecords) counts[Serdes.String.Deserialize(k)] = Serdes.Int64.Deserialize(v!);
            var joined = enriched.Select(r => Serdes.String.Deserialize(r.Value!).Split('|')[0]).ToHashSet();
            long missingClicks = expectedCounts.Sum(kv => Math.Max(0, kv.Value - counts.GetValueOrDefault(kv.Key)));
            long missingOrders = expectedOrders.Count(o => !joined.Contains(o));
            lost = missingClicks + missingOrders;
            long duplicates = counts.Sum(kv => Math.Max(0, kv.Value - expectedCounts.GetValueOrDefault(kv.Key)));
            last = (missingClicks, missingOrders, expectedCounts.Keys.ToDictionary(k => k, k => counts.GetValueOrDefault(k)),
                expectedOrders.Where(o => !joined.Contains(o)).Take(8).ToList());
            if (lost == 0)
            {
                log.WriteLine($"every input reflected; at-least-once re-counts: {duplicates}");
                return 0;
            }
            await Task.Delay(2000);
        }
        log.WriteLine(lost == long.MaxValue ? "outputs never read to their end in 2 min: lost unknown" : $"inputs not reflected after 2 min: {lost}");
        if (last is { } l)
        {
            // Which inputs: a loss with every input committed (no task behind below) is not a stall but lost work.
            var keys = l.Counts.Where(kv => kv.Value < expectedCounts[kv.Key]).Select(kv => kv.Key).ToList();
            log.WriteLine($"missing clicks: {l.MissingClicks} over {keys.Count} of {expectedCounts.Count} keys (first: " +
                string.Join(", ", keys.Take(8).Select(k => $"{k} {l.Counts[k]}/{expectedCounts[k]}")) + $"); missing orders: {l.MissingOrders} (first: " +
                string.Join(", ", l.Orders.Take(8)) + ")");
            if (l.MissingOrders > 0 && OutputReader.ReadAll(bootstrap, FailoverWorkload.Orders) is { } input)
            {
                // An order missing from the input topic was never delivered there: the harness's loss, not Braid's.
                var sent = input.Select(r => Serdes.String.Deserialize(r.Value!)).ToHashSet();
                log.WriteLine($"missing orders absent from the orders topic itself: {l.Orders.Count(o => !sent.Contains(o))} of the first {l.Orders.Count}");
            }
        }
        return lost;
    }

    private static Dictionary<string, List<(TopicPartition Partition, long Committed, long End)>>? Positions(string bootstrap, TopicLayout layout, TextWriter log)
    {
        try
        {
            return StallReport.Positions(bootstrap, layout);
        }
        catch (KafkaException e)
        {
            log.WriteLine($"(input positions unreadable: {e.Error.Reason})");
            return null;
        }
    }

    private static long ChangelogRecords(MockKafkaCluster cluster, TopicLayout layout, string store)
    {
        string topic = layout.ChangelogsPerSubtopology.SelectMany(d => d).First(kv => kv.Key == store).Value;
        int partitions = layout.InternalTopics.First(t => t.Name == topic).Partitions;
        using var c = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "harness-probe" })
            .SetLogHandler((_, _) => { }).Build();
        return Enumerable.Range(0, partitions).Sum(p => c.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) throw new TimeoutException("timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }
}
