namespace Braid.Bench.Baselines;

/// <summary>One implementation under test (Streamiz with a store kind, or a plain C# join).</summary>
internal interface IBaseline
{
    string Name { get; }

    /// <summary>
    /// Untimed set-up for one run over the first <paramref name="n"/> records of <paramref name="data"/>:
    /// builds the topology / state and preloads the table for stream–table.
    /// </summary>
    IPreparedRun Prepare(Dataset data, int n);
}

/// <summary>A prepared run. <see cref="Execute"/> is the timed part; it returns the number of join outputs.</summary>
internal interface IPreparedRun : IDisposable
{
    long Execute();
}

internal static class Baselines
{
    public static IBaseline Create(string name) => name switch
    {
        "streamiz-rocksdb" => new StreamizBaseline(name, inMemory: false),
        "streamiz-memory" => new StreamizBaseline(name, inMemory: true),
        "plain" => new PlainBaseline(name, serdes: false),
        "plain-serdes" => new PlainBaseline(name, serdes: true),
        _ => throw new ArgumentException($"unknown impl '{name}'"),
    };
}
