namespace Braid.Kafka.FailoverHarness;

/// <summary>The harness flags (all optional).</summary>
public sealed record HarnessOptions
{
    public int Instances { get; init; } = 3;

    public int Standbys { get; init; } = 1;

    public int Kills { get; init; } = 10;

    public int Records { get; init; } = 20_000;

    public int Seed { get; init; } = Environment.TickCount & 0x7fffffff;

    /// <summary>Input partitions (tasks per sub-topology).</summary>
    public int Partitions { get; init; } = 6;

    /// <summary>No kill starts after this many minutes from the first (0: no limit); the run then finishes the input and verifies.</summary>
    public int MaxMinutes { get; init; }

    /// <summary>Lag-aware task assignment (<c>--lag-aware 1</c>): fail-overs go to the instance with the caught-up standby.</summary>
    public bool LagAware { get; init; }

    public static HarnessOptions Parse(string[] args)
    {
        var o = new HarnessOptions();
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"flag {args[i]} needs a value.");
            int v = int.TryParse(args[i + 1], out int n) && n >= 0 ? n : throw new ArgumentException($"{args[i]} needs a non-negative number, not '{args[i + 1]}'.");
            o = args[i] switch
            {
                "--instances" => o with { Instances = Math.Max(1, v) },
                "--standbys" => o with { Standbys = v },
                "--kills" => o with { Kills = v },
                "--records" => o with { Records = v },
                "--seed" => o with { Seed = v },
                "--partitions" => o with { Partitions = Math.Max(1, v) },
                "--max-minutes" => o with { MaxMinutes = v },
                "--lag-aware" => o with { LagAware = v != 0 },
                _ => throw new ArgumentException($"unknown flag '{args[i]}' (use --instances --standbys --kills --records --seed --partitions --max-minutes --lag-aware)."),
            };
        }
        if (o.Instances < 2 && o.Kills > 0) throw new ArgumentException("kills need at least 2 instances (a fail-over needs a survivor).");
        return o;
    }
}
