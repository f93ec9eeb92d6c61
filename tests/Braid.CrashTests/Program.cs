using Braid;
using Braid.CrashTests;
using Braid.Embedded;

// Usage: dotnet run -c Release --project tests/Braid.CrashTests -- [--mode kills|failpoints|power-loss|io-errors|switch-guarantee]
//        --kills K --records N [--seed S] [--guarantee exactly-once|at-least-once] [--dir D] [--throttle R] [--max-kill-delay MS]
//        [--inbox on [--inbox-pace-ms P]] (input produced by a separate process through the inbox while the kills happen)
//        [--max-minutes M] (stop injecting faults after M minutes, then finish and verify; the summary counts what was done)
//        --verify-dir D --records N --seed S [--guarantee G] (finish and verify the directory of a run whose finish gave up)
// The seed defaults to BRAID_CRASH_SEED, else the clock; it fixes the input and the fault plan (which fault, which
// delay), not the machine's timing, so a replay lands its kills near, not exactly at, the same records.
// Input is paced by default (children sleep 1 ms every R records, R sized from records and kills) so kills land
// while records are in flight; --throttle 0 turns pacing off.
var a = Args.Parse(args);
var guarantee = ParseGuarantee(a.Get("--guarantee", "exactly-once"));
int records = int.Parse(a.Get("--records", "2000"));
int seed = int.Parse(a.Get("--seed", Environment.GetEnvironmentVariable(CrashHarness.SeedVariable) ?? Environment.TickCount.ToString()));
string dir = a.Get("--dir", Path.Combine(Path.GetTempPath(), $"braid-crash-{Environment.ProcessId}"));
string? child = a.Get("--child", null!);
if (child is not null)
{
    CrashWorkload.ThrottleEvery = int.Parse(a.Get("--throttle", "0"));
    var durability = a.Get("--durability", "process-crash") == "power-loss" ? Durability.PowerLoss : Durability.ProcessCrash;
    return Child.Run(child, CrashWorkload.Options(dir, guarantee, durability), records, seed, int.Parse(a.Get("--up-to", records.ToString())));
}

if (a.Get("--verify-dir", "") is { Length: > 0 } verifyDir)
{
    // Resume a run whose finish step gave up (e.g. the idle wait timed out on a loaded machine): run the finish
    // child on the run's directory, then verify it. --records, --seed and --guarantee must be the run's.
    var resume = new HarnessOptions(0, records, seed, guarantee, verifyDir, FaultMode.Kills, 1200, 0, null, false, 500);
    new ChildRunner(resume, 0, Console.Out).Run("finish", guarantee, Kill.None, []);
    var verdict = Verifier.Check(verifyDir, guarantee, CrashWorkload.Generate(records, seed));
    bool ok = Verifier.Passed(verdict, guarantee == ProcessingGuarantee.ExactlyOnce);
    Console.WriteLine($"resumed {verifyDir}: {verdict.Fields}");
    return ok ? 0 : 1;
}

var mode = a.Get("--mode", "kills") switch
{
    "kills" => FaultMode.Kills,
    "failpoints" => FaultMode.Failpoints,
    "power-loss" => FaultMode.PowerLoss,
    "io-errors" => FaultMode.IoErrors,
    "switch-guarantee" => FaultMode.SwitchGuarantee,
    var m => throw new ArgumentException($"--mode must be kills, failpoints, power-loss, io-errors or switch-guarantee, not '{m}'."),
};
int? throttle = a.Get("--throttle", "") is { Length: > 0 } t ? int.Parse(t) : null;
var options = new HarnessOptions(int.Parse(a.Get("--kills", "10")), records, seed, guarantee, dir, mode,
    int.Parse(a.Get("--max-kill-delay", "1200")), throttle, a.Get("--max-minutes", "") is { Length: > 0 } minutes ? double.Parse(minutes) : null,
    a.Get("--inbox", "off") == "on", int.Parse(a.Get("--inbox-pace-ms", "500")));
var result = CrashHarness.Run(options, Console.Out);
Console.WriteLine($"replay: --mode {a.Get("--mode", "kills")} --kills {result.Kills} --records {records} --seed {seed} --guarantee {a.Get("--guarantee", "exactly-once")} --inbox {a.Get("--inbox", "off")}");
Console.WriteLine(result.Line);
return result.Passed ? 0 : 1;

static ProcessingGuarantee ParseGuarantee(string g) => g switch
{
    "exactly-once" => ProcessingGuarantee.ExactlyOnce,
    "at-least-once" => ProcessingGuarantee.AtLeastOnce,
    _ => throw new ArgumentException($"--guarantee must be exactly-once or at-least-once, not '{g}'."),
};

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
