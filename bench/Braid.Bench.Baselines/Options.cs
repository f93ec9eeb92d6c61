namespace Braid.Bench.Baselines;

/// <summary>Command-line options. Every option has a default so the tool runs with no arguments.</summary>
internal sealed class Options
{
    public static readonly string[] AllImpls = ["streamiz-rocksdb", "streamiz-memory", "plain", "plain-serdes"];

    public int Records { get; private set; } = 1_000_000;
    public int Runs { get; private set; } = 3;
    public int Keys { get; private set; } = 10_000;
    public long Seed { get; private set; } = 42;
    public int WarmupRecords { get; private set; } = 100_000;
    public int MaxRecordsSlow { get; private set; } = 20_000;
    public int TsStepMs { get; private set; } = 1;
    public int JitterMs { get; private set; }
    public List<string> Impls { get; private set; } = [.. AllImpls];
    public List<Workload> Workloads { get; private set; } = [.. WorkloadNames.All];
    public string? JsonPath { get; private set; }
    public double MinRunSeconds { get; private set; } = 1;
    public double WarmupSeconds { get; private set; } = 2;
    public double SlowRowSeconds { get; private set; } = 20;

    /// <summary>The machine probe's reference from the Braid harness (<c>--probe-reference X</c>); 0 (default): no gate.</summary>
    public double ProbeReference { get; private set; }

    /// <summary>Timing of a row; <paramref name="slow"/> (Streamiz rows) gets the time budget, plain rows never.</summary>
    public Timing Timing(bool slow) => new(TimeSpan.FromSeconds(MinRunSeconds), TimeSpan.FromSeconds(WarmupSeconds),
        slow && SlowRowSeconds > 0 ? TimeSpan.FromSeconds(SlowRowSeconds) : null, ProbeReference);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"missing value for {a}");
            switch (a)
            {
                case "--records": o.Records = Positive(a, Next()); break;
                case "--runs": o.Runs = Positive(a, Next()); break;
                case "--keys": o.Keys = Positive(a, Next()); break;
                case "--seed": o.Seed = long.Parse(Next()); break;
                case "--warmup-records": o.WarmupRecords = Positive(a, Next()); break;
                case "--max-records-slow": o.MaxRecordsSlow = Positive(a, Next()); break;
                case "--ts-step-ms": o.TsStepMs = Positive(a, Next()); break;
                case "--jitter-ms": o.JitterMs = int.Parse(Next()); break;
                case "--json": o.JsonPath = Next(); break;
                case "--min-run-seconds": o.MinRunSeconds = Seconds(a, Next()); break;
                case "--warmup-seconds": o.WarmupSeconds = Seconds(a, Next()); break;
                case "--slow-row-seconds": o.SlowRowSeconds = Seconds(a, Next()); break;
                case "--probe-reference": o.ProbeReference = Seconds(a, Next()); break;
                case "--impl":
                    o.Impls = Split(Next());
                    foreach (var s in o.Impls)
                        if (!AllImpls.Contains(s)) throw new ArgumentException($"unknown impl '{s}' (known: {string.Join(",", AllImpls)})");
                    break;
                case "--workload":
                    o.Workloads = Split(Next()).Select(WorkloadNames.Parse).ToList();
                    break;
                case "-h" or "--help": throw new HelpRequested();
                default: throw new ArgumentException($"unknown option '{a}'");
            }
        }
        if (o.JitterMs < 0) throw new ArgumentException("--jitter-ms must be >= 0");
        return o;
    }

    private static List<string> Split(string s) =>
        s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    private static double Seconds(string name, string v) =>
        double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) && s >= 0 && double.IsFinite(s)
            ? s : throw new ArgumentException($"{name} needs a number of seconds >= 0, got '{v}'");

    private static int Positive(string name, string v) =>
        int.TryParse(v, out int n) && n > 0 ? n : throw new ArgumentException($"{name} needs a positive integer, got '{v}'");

    public const string Usage = """
        Braid.Bench.Baselines — baseline throughput for stream joins (Streamiz TopologyTestDriver vs plain C#).
          --records N            input records per run (default 1000000)
          --runs R               timed runs per (impl, workload) after one warm-up (default 3)
          --impl LIST            streamiz-rocksdb,streamiz-memory,plain,plain-serdes (default all)
          --workload LIST        stream-table,stream-stream-inner,stream-stream-left,table-table,windowed-count (default all)
          --json PATH            also write results as a JSON array
          --max-records-slow N   cap for streamiz-memory stream-stream workloads (default 20000)
          --warmup-records N     warm-up input size, capped at the run size (default 100000)
          --min-run-seconds X    each timed run repeats passes until X s of timed work (default 1)
          --warmup-seconds X     warm-up passes until X s (default 2)
          --slow-row-seconds X   cap a Streamiz row's records from its warm-up rate to about X s per pass (default 20; 0 = off)
          --probe-reference X    re-draw passes timed while the machine probed below 70% of X (ProbeGate; default 0 = off)
          --keys N               distinct keys (default 10000)      --seed S   data seed (default 42)
          --ts-step-ms N         timestamp step per record (default 1)
          --jitter-ms N          extra deterministic jitter in [0, N] ms per record (default 0; >= step => out of order)
        """;
}

internal sealed class HelpRequested : Exception;
