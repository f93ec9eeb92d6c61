using Braid.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>
/// One instance as a child process: runs the workload against the parent's cluster and reports every 100 ms on stdout,
/// "state active=&lt;tasks&gt; standby=&lt;tasks&gt; restored=&lt;n&gt; running=&lt;0|1&gt; asks=&lt;tasks&gt;"
/// (asks: the tasks its lag-aware subscription asks the group for; empty in the default mode), until killed (or stdin closes).
/// </summary>
public static class FailoverChild
{
    // args: bootstrap name stateDir standbys [lagAware 0|1]
    public static async Task<int> RunAsync(string[] args)
    {
        string bootstrap = args[0], name = args[1], stateDir = args[2];
        int standbys = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var options = new KafkaStreamsOptions
        {
            BootstrapServers = bootstrap,
            ApplicationServer = name + ":1",
            StateDirectory = stateDir,
            NumStandbyReplicas = standbys,
            TaskAssignment = args.Length > 4 && args[4] == "1" ? TaskAssignment.LagAware : TaskAssignment.Group,
            CreateInternalTopics = false, // the parent created them: the mock cluster has no CreateTopics API
            CommitInterval = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromSeconds(20),
            // Fail-over speed is bounded by how fast the group notices a dead member (docs/kafka.md, "Fail-over").
            ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "2000", ["heartbeat.interval.ms"] = "200" },
        };
        await using var app = new BraidKafkaApplication(FailoverWorkload.Build(), new StreamsConfig
        {
            ApplicationId = FailoverWorkload.ApplicationId,
            LoggerFactory = ChildLog.FromEnvironment(name) ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        }, options);
        await app.StartAsync();
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        while (!stdinClosed.IsCompleted && app.State is not (StreamsState.Error or StreamsState.NotRunning))
        {
            Console.Out.WriteLine($"state active={string.Join(';', app.ActiveTasks)} standby={string.Join(';', app.StandbyTasks)} " +
                $"restored={app.RestoredRecords} running={(app.State == StreamsState.Running ? 1 : 0)} asks={string.Join(';', app.AskedFor)}");
            Console.Out.Flush();
            await Task.Delay(100);
        }
        if (app.Error is { } e) Console.Error.WriteLine("instance failed: " + e);
        return app.Error is null ? 0 : 2;
    }
}
