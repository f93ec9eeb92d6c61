namespace Braid.Samples;

/// <summary>Where a demo script runs: something that takes input records, yields output records and answers store queries.</summary>
public interface IDemoHost : IDisposable, IDemoStores
{
    /// <summary>Produces one record into an input topic and waits until the topology has processed it.</summary>
    void Send(DemoInput input);

    /// <summary>Every record written to <paramref name="topic"/> since the last call, in order.</summary>
    IReadOnlyList<(byte[]? Key, byte[]? Value, long Timestamp)> Read(string topic);
}

/// <summary>The outputs one step caused, or the answer to a query step.</summary>
public sealed record DemoStepResult(int Number, DemoStep Step, IReadOnlyList<DemoOutput> Outputs, string? Answer);

/// <summary>A script's run: every step's result, in order.</summary>
public sealed record DemoScriptRun(DemoScript Script, IReadOnlyList<DemoStepResult> Steps)
{
    /// <summary>Every output record of the run, in order.</summary>
    public IEnumerable<DemoOutput> Outputs => Steps.SelectMany(s => s.Outputs);

    /// <summary>
    /// The final contents of the script's table topic: the latest value per key, deleted keys left
    /// out, in key order — what a compacted topic converges to.
    /// </summary>
    public IReadOnlyList<DemoOutput> FinalTable()
    {
        if (Script.TableTopic is null) return [];
        var latest = new Dictionary<string, DemoOutput>();
        foreach (var o in Outputs.Where(o => o.Topic == Script.TableTopic))
        {
            if (o.Value is null) latest.Remove(o.Key);
            else latest[o.Key] = o;
        }
        return latest.Values.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }
}

/// <summary>A demo's run: one run per script.</summary>
public sealed record DemoRun(Demo Demo, IReadOnlyList<DemoScriptRun> Scripts);

/// <summary>Runs demos on a host: a fresh host per script, steps in order, outputs collected after each step.</summary>
public static class DemoRunner
{
    /// <summary>Runs every script of <paramref name="demo"/>.</summary>
    /// <param name="demo">The demo.</param>
    /// <param name="createHost">Creates a fresh host for a script (fresh state every time).</param>
    /// <param name="onStep">Called with (units done, units in the demo) after each host start and each step, for progress display.</param>
    public static DemoRun Run(Demo demo, Func<DemoScript, IDemoHost> createHost, Action<int, int>? onStep = null)
    {
        // Starting a host counts as one unit: on a persistent host it can cost more than all the steps.
        int total = demo.Scripts.Sum(s => s.Steps.Count + 1), done = 0;
        var runs = new List<DemoScriptRun>();
        foreach (var script in demo.Scripts)
        {
            using var host = createHost(script);
            onStep?.Invoke(++done, total);
            var results = new List<DemoStepResult>();
            foreach (var step in script.Steps)
            {
                string? answer = null;
                if (step is DemoInput input) host.Send(input);
                else if (step is DemoQuery query) answer = query.Ask(host);
                var outputs = script.Outputs
                    .SelectMany(t => host.Read(t.Name).Select(r => t.Decode(r.Key, r.Value, r.Timestamp)))
                    .ToList();
                results.Add(new DemoStepResult(results.Count + 1, step, outputs, answer));
                onStep?.Invoke(++done, total);
            }
            runs.Add(new DemoScriptRun(script, results));
        }
        return new DemoRun(demo, runs);
    }
}
