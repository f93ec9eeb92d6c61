using Braid;
using Braid.CrashTests;
using Braid.Embedded;
using Braid.Serialization;

// Usage: dotnet run -c Release --project tests/Braid.CrashTests -- --kills K --records N [--seed S] [--guarantee exactly-once|at-least-once] [--dir D]
//        [--throttle R: children sleep 1 ms every R records, so kills keep landing mid-processing in long runs]
var a = Args.Parse(args);
var guarantee = a.Get("--guarantee", "exactly-once") switch
{
    "exactly-once" => ProcessingGuarantee.ExactlyOnce,
    "at-least-once" => ProcessingGuarantee.AtLeastOnce,
    var g => throw new ArgumentException($"--guarantee must be exactly-once or at-least-once, not '{g}'."),
};
int records = int.Parse(a.Get("--records", "2000"));
int seed = int.Parse(a.Get("--seed", Environment.TickCount.ToString()));
string dir = a.Get("--dir", Path.Combine(Path.GetTempPath(), $"braid-crash-{Environment.ProcessId}"));
string? child = a.Get("--child", null!);

int throttle = int.Parse(a.Get("--throttle", "0"));
if (child is not null)
{
    CrashWorkload.ThrottleEvery = throttle;
    return Child.Run(child, dir, records, seed, guarantee);
}

var result = CrashHarness.Run(new HarnessOptions(int.Parse(a.Get("--kills", "10")), records, seed, guarantee, dir, ThrottleEvery: throttle), Console.Out);
if (!result.TablesEqual) Console.WriteLine("final table 'profiles' differs from the reference");
Console.WriteLine($"replay: --kills {result.Kills} --records {records} --seed {seed} --guarantee {a.Get("--guarantee", "exactly-once")}");
Console.WriteLine(result.Line);
return result.Passed(guarantee) ? 0 : 1;

internal static class Child
{
    public static int Run(string mode, string dir, int records, int seed, ProcessingGuarantee guarantee)
    {
        if (mode == "run") Console.WriteLine("starting");
        using var app = new BraidApplication(CrashWorkload.Build(), CrashWorkload.Options(dir, guarantee));
        if (mode == "produce")
        {
            var producers = CrashWorkload.Inputs.ToDictionary(t => t, t => app.CreateProducer<string, string>(t, Serdes.String, Serdes.String));
            foreach (var g in CrashWorkload.Generate(records, seed).GroupBy(r => r.Topic))
                producers[g.Key].Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
            Console.WriteLine($"produced {records} records");
            return 0;
        }
        app.StartAsync().GetAwaiter().GetResult();
        if (mode == "run")
        {
            // Run until killed; the parent never lets this end normally. The lag reports show where each kill landed.
            while (true)
            {
                Console.WriteLine($"lag {app.GetLag().Values.Sum()}");
                Thread.Sleep(50);
            }
        }
        app.WaitForIdleAsync(TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BRAID_CRASH_IDLE_SECONDS") ?? "600"))).GetAwaiter().GetResult();
        app.CloseAsync().GetAwaiter().GetResult();
        Console.WriteLine($"finished ({app.State})");
        return 0;
    }
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var d = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2) d[args[i]] = args[i + 1];
        return new Args(d);
    }

    public string Get(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
}
