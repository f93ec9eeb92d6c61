using System.Diagnostics;
using Braid.Embedded;
using Braid.Embedded.Logs.Files;
using Braid.Embedded.Runtime;
using Braid.Internal.Faults;

namespace Braid.CrashTests;

/// <summary>Which faults the harness injects between restarts.</summary>
public enum FaultMode
{
    /// <summary>SIGKILL at a random moment (paced input: most kills land while records are processed).</summary>
    Kills,

    /// <summary>Each named failpoint in turn crashes the child exactly there (the producer's one while producing).</summary>
    Failpoints,

    /// <summary>SIGKILL, then a simulated power loss on the logs (durability PowerLoss).</summary>
    PowerLoss,

    /// <summary>An I/O error at a failpoint or on the Nth write/fsync: the child must end in a clear error.</summary>
    IoErrors,

    /// <summary>SIGKILLs with the guarantee switched between exactly-once and at-least-once at random per restart.</summary>
    SwitchGuarantee,
}

public sealed record HarnessOptions(int Kills, int Records, int Seed, ProcessingGuarantee Guarantee, string Directory,
    FaultMode Mode = FaultMode.Kills, int MaxKillDelayMs = 1200, int? ThrottleEvery = null, double? MaxMinutes = null,
    bool Inbox = false, int InboxPaceMs = 500);

public sealed record HarnessResult(int Kills, Verdict Verdict, bool Passed, string Line);

/// <summary>
/// The parent side: produce the input (child process), then K times start a child that runs the application
/// and inject this mode's fault, restart, and finally let a child run to idle and close; then compare the
/// committed output with the TopologyTestDriver's (<see cref="Verifier"/>).
/// </summary>
public static class CrashHarness
{
    /// <summary>Environment variable that fixes the seed of a run (CI's short runs and the console both read it).</summary>
    public const string SeedVariable = "BRAID_CRASH_SEED";

    /// <summary>The seed from <see cref="SeedVariable"/> when set, else a fresh one (printed by the caller).</summary>
    public static int SeedFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out int s) ? s : Environment.TickCount & 0xFFFF;

    /// <summary>Failpoints a run under this guarantee reaches (the flush one only exists under at-least-once).</summary>
    public static IReadOnlyList<string> RunFailpoints(ProcessingGuarantee g, bool inbox = false) =>
        EmbeddedFailpoints.All.Where(f => f != EmbeddedFailpoints.ProducerAfterAppend
            && (g == ProcessingGuarantee.AtLeastOnce || f != EmbeddedFailpoints.FlushAfterOutputAppend))
            .Append(RocksAfterPreCommit)
            .Concat(inbox ? EmbeddedFailpoints.Inbox : []).ToList();

    /// <summary>The RocksDB backend's commit after the stores' pre-commit hooks ran (the joins' held records are pending
    /// writes), before its one write (Braid.RocksDb's RocksFailpoints.AfterPreCommit; internal there).</summary>
    public const string RocksAfterPreCommit = "rocksdb.commit.after-pre-commit";

    /// <summary>A step every commit hits (crash at one of the first few hits), not a start-up step (hit once).</summary>
    private static bool IsCommitStep(string failpoint) =>
        failpoint.StartsWith("embedded.commit", StringComparison.Ordinal) || failpoint.StartsWith("rocksdb.commit", StringComparison.Ordinal);

    public static HarnessResult Run(HarnessOptions o, TextWriter log)
    {
        // Pace the children so that a child lives through a share of the input: kills land mid-processing.
        int throttle = o.ThrottleEvery ?? Math.Clamp(o.Records / Math.Max(1, o.Kills * o.MaxKillDelayMs / 2), 1, 1000);
        log.WriteLine($"crash harness: mode {o.Mode}, kills {o.Kills}, records {o.Records}, seed {o.Seed}, guarantee {o.Guarantee}, throttle {throttle}, dir {o.Directory}");
        if (Directory.Exists(o.Directory)) Directory.Delete(o.Directory, recursive: true);
        Directory.CreateDirectory(o.Directory);
        var rng = new Random(o.Seed);
        var tally = new Tally();
        var runner = new ChildRunner(o, throttle, log);
        if (o.Mode == FaultMode.Failpoints && !o.Inbox)
        {
            // Crash the producer between appending and publishing, as often as each other failpoint; each restart
            // resumes the input. Each run produces a longer prefix of the input, so it appends to every partition of
            // the four topics (eight appends) and its crash@1..3 is always reached.
            int runs = Math.Max(1, o.Kills / RunFailpoints(o.Guarantee).Count);
            for (int j = 0; j < runs; j++)
                tally.Add(runner.Run("produce", o.Guarantee, Kill.None, Env(Failpoints.EnvironmentVariable, $"{EmbeddedFailpoints.ProducerAfterAppend}=crash@{rng.Next(1, 4)}"),
                    upTo: (int)((long)o.Records * (j + 1) / (runs + 1))));
        }
        Process? inbox = null;
        if (o.Inbox)
        {
            // Input from a separate process while the application is killed: an empty first run creates the
            // topics, then the producer writes through the inbox for the rest of the run, never holding the lock.
            runner.Run("produce", o.Guarantee, Kill.None, [], upTo: 0);
            inbox = runner.StartBackground("inbox-produce", Env("BRAID_CRASH_INBOX_PACE_MS", o.InboxPaceMs.ToString()));
        }
        else runner.Run("produce", o.Guarantee, Kill.None, []);
        var failpoints = RunFailpoints(o.Guarantee, o.Inbox);
        // A time budget (long runs on a shared machine): stop injecting faults when it is spent, then finish and
        // verify as usual; the summary line counts the faults actually injected.
        var budget = Stopwatch.StartNew();
        int done = 0;
        for (int k = 1; k <= o.Kills; k++)
        {
            if (o.MaxMinutes is { } max && budget.Elapsed.TotalMinutes >= max)
            {
                log.WriteLine($"  time budget of {max} min spent after {done} of {o.Kills} faults");
                break;
            }
            done = k;
            var guarantee = o.Mode == FaultMode.SwitchGuarantee && rng.Next(2) == 0 ? Flip(o.Guarantee) : o.Guarantee;
            var kill = rng.Next(8) == 0 ? new Kill(true, rng.Next(30, 800)) : new Kill(false, rng.Next(10, o.MaxKillDelayMs));
            var env = new List<(string, string)>();
            switch (o.Mode)
            {
                case FaultMode.Failpoints:
                    string fp = failpoints[(k - 1) % failpoints.Count];
                    // Commit steps are hit many times per child (crash at one of the first few); start-up steps once.
                    env.Add((Failpoints.EnvironmentVariable, $"{fp}=crash@{(IsCommitStep(fp) ? rng.Next(1, 4) : 1)}"));
                    // The failpoint ends the child; the kill is only the fallback when it is not reached.
                    kill = new Kill(false, 8000);
                    break;
                case FaultMode.PowerLoss:
                    env.Add((FaultInjectionLogFileSystem.EnvironmentVariable, "journal=" + Journal(o)));
                    // Commits fsync every few ms, so a random kill mostly finds everything synced: every other
                    // fault crashes a commit right after its output append, before the fsync, so that the power
                    // loss has unsynced (and torn) data to drop.
                    if (k % 2 == 0)
                    {
                        env.Add((Failpoints.EnvironmentVariable, $"{EmbeddedFailpoints.CommitAfterOutputAppend}=crash@{rng.Next(1, 20)}"));
                        kill = new Kill(false, 8000);
                    }
                    break;
                case FaultMode.IoErrors:
                    // One fault in three is an I/O error at a failpoint, taking the failpoints in turn so every
                    // one is hit; the others fail the Nth write or fsync of the file layer.
                    env.Add((k % 3) switch
                    {
                        0 => (Failpoints.EnvironmentVariable, IoErrorAt(failpoints[(k / 3) % failpoints.Count], rng)),
                        1 => (FaultInjectionLogFileSystem.EnvironmentVariable, $"fail-write={rng.Next(1, 300)}"),
                        _ => (FaultInjectionLogFileSystem.EnvironmentVariable, $"fail-sync={rng.Next(1, 60)}"),
                    });
                    kill = new Kill(false, 3000);
                    break;
            }
            var outcome = runner.Run("run", guarantee, kill, env);
            tally.Add(outcome);
            if (o.Mode == FaultMode.IoErrors && env[0].Item1 == Failpoints.EnvironmentVariable) tally.AddIoError(env[0].Item2.Split('=')[0], outcome);
            if (o.Mode == FaultMode.PowerLoss && outcome.Kind is OutcomeKind.Killed or OutcomeKind.FailpointCrash)
            {
                var cut = PowerLossSimulator.Apply(Journal(o), rng);
                tally.PowerLosses++;
                if (cut.BytesDropped > 0 || cut.FilesLost > 0) tally.PowerLossesThatDropped++;
                log.WriteLine($"    power loss: {cut.FilesCut} files cut, {cut.BytesDropped} unsynced bytes dropped, {cut.FilesLost} unsynced files lost");
            }
        }
        if (inbox is not null)
        {
            inbox.WaitForExit();
            if (inbox.ExitCode != 0) throw new InvalidOperationException($"the inbox producer exited with {inbox.ExitCode}");
            inbox.Dispose();
        }
        runner.Run("finish", o.Guarantee, Kill.None, []);
        var input = CrashWorkload.Generate(o.Records, o.Seed);
        var verdict = o.Inbox ? ConcurrentInputVerifier.Check(o.Directory, o.Guarantee, input) : Verifier.Check(o.Directory, o.Guarantee, input);
        bool exactlyOnce = o.Guarantee == ProcessingGuarantee.ExactlyOnce && o.Mode != FaultMode.SwitchGuarantee;
        bool passed = Verifier.Passed(verdict, exactlyOnce) && (o.Mode != FaultMode.Failpoints || tally.AllCrashed(o.Inbox ? failpoints : failpoints.Append(EmbeddedFailpoints.ProducerAfterAppend)));
        string line = $"kills: {done}, {verdict.Fields}, {tally.Summary(o.Mode)}";
        return new HarnessResult(done, verdict, passed, line);
    }

    private static string IoErrorAt(string failpoint, Random rng) =>
        $"{failpoint}=ioerror@{(IsCommitStep(failpoint) ? rng.Next(1, 4) : 1)}";

    private static ProcessingGuarantee Flip(ProcessingGuarantee g) =>
        g == ProcessingGuarantee.ExactlyOnce ? ProcessingGuarantee.AtLeastOnce : ProcessingGuarantee.ExactlyOnce;

    private static string Journal(HarnessOptions o) => Path.Combine(o.Directory, "fault-journal");

    private static List<(string, string)> Env(string name, string value) => [(name, value)];
}

/// <summary>Where a kill lands: during start-up and recovery, or after a delay once the child processes.</summary>
public readonly record struct Kill(bool DuringStartup, int DelayMs)
{
    public static Kill? None => null;
}

public enum OutcomeKind { Exited, Killed, FailpointCrash, Errored }

/// <summary>How one child ended; Phase says where a kill landed (processing, idle, start-up).</summary>
public readonly record struct ChildOutcome(OutcomeKind Kind, string Phase, string Detail);

/// <summary>Counts of where faults landed, for the summary line.</summary>
internal sealed class Tally
{
    private readonly Dictionary<string, int> _crashes = new();
    private int _processing, _startup, _idle, _errors;

    public int PowerLosses { get; set; }

    /// <summary>Power losses that found unsynced data to drop or tear (the others hit a fully synced moment).</summary>
    public int PowerLossesThatDropped { get; set; }

    public void Add(ChildOutcome c)
    {
        if (c.Kind == OutcomeKind.FailpointCrash) _crashes[c.Detail] = _crashes.GetValueOrDefault(c.Detail) + 1;
        if (c.Kind == OutcomeKind.Errored) _errors++;
        if (c.Kind is OutcomeKind.Killed or OutcomeKind.FailpointCrash)
        {
            if (c.Phase == "processing") _processing++;
            else if (c.Phase == "idle") _idle++;
            else _startup++;
        }
    }

    private readonly Dictionary<string, (int Armed, int Errored)> _ioErrors = new();

    /// <summary>An I/O error armed at a failpoint: counted, and whether the child ended in a clear error.</summary>
    public void AddIoError(string failpoint, ChildOutcome c)
    {
        var (armed, errored) = _ioErrors.GetValueOrDefault(failpoint);
        _ioErrors[failpoint] = (armed + 1, errored + (c.Kind == OutcomeKind.Errored ? 1 : 0));
    }

    public bool AllCrashed(IEnumerable<string> failpoints) => failpoints.All(f => _crashes.GetValueOrDefault(f) > 0);

    public string Summary(FaultMode mode)
    {
        var s = $"while processing: {_processing}, during start-up/recovery: {_startup}, idle: {_idle}";
        if (mode == FaultMode.Failpoints) s += ", failpoint crashes: " + string.Join(" ", _crashes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
        if (mode == FaultMode.PowerLoss) s += $", power losses: {PowerLosses} ({PowerLossesThatDropped} dropped unsynced data)";
        if (mode == FaultMode.IoErrors)
            s += $", clear I/O errors: {_errors}, at failpoints (armed/clear error): " + string.Join(" ", _ioErrors.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value.Armed}/{kv.Value.Errored}"));
        return s;
    }
}
