using Braid.Cli;
using Braid.Samples;

namespace Braid.Sql.Tests;

/// <summary>Runs a samples/sql program the way <c>braid sql</c> does (same input merge, same host classes), and a DSL demo to compare with.</summary>
internal static class SampleRuns
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Braid.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Braid.sln above {AppContext.BaseDirectory}.");
    }

    public static string Sample(string folder, string file) => Path.Combine(Root, "samples", "sql", folder, file);

    /// <summary>Compiles samples/sql/FOLDER/FOLDER.sql, feeds the inputs (source name = file name), returns the host and program.</summary>
    public static (ISqlHost Host, SqlProgram Program) Run(string folder, string host, params string[] sources)
    {
        var program = BraidSql.Compile(File.ReadAllText(Sample(folder, folder + ".sql")));
        var inputs = SqlInputs.Read(program, sources.Select(s => $"{s}={Sample(folder, s + ".jsonl")}"));
        var h = SqlHosts.Create(host, program);
        foreach (var r in inputs) h.Send(r.Source.Topic, r.Key, r.Value, r.Timestamp);
        h.Flush();
        return (h, program);
    }

    /// <summary>Every record a DSL demo script wrote to <paramref name="topic"/>, decoded with the demo's serdes.</summary>
    public static List<(TKey Key, TValue? Value, long Timestamp)> Dsl<TKey, TValue>(DemoScript script, DemoTopic<TKey, TValue> topic)
    {
        using var host = new DriverHost(script.BuildTopology());
        var records = new List<(TKey, TValue?, long)>();
        foreach (var step in script.Steps)
        {
            if (step is DemoInput input) host.Send(input);
            records.AddRange(host.Read(topic.Name).Select(r => (topic.KeySerde.Deserialize(r.Key!),
                r.Value is null ? default : topic.ValueSerde.Deserialize(r.Value), r.Timestamp)));
        }
        return records;
    }
}
