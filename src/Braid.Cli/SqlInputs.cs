using Braid.Sql;

namespace Braid.Cli;

/// <summary>One input record of <c>braid sql</c>, already checked against its source.</summary>
internal sealed record SqlInputRecord(SqlSource Source, byte[]? Key, byte[]? Value, long Timestamp, string Where);

/// <summary>
/// Reads <c>--input NAME=FILE.jsonl</c> files. Each file's records keep their order (so a late record stays late:
/// out-of-order input is what versioned tables and grace are for); files are merged by always taking the
/// earliest-timestamped next record among the files' heads, ties going to the earlier --input option.
/// </summary>
internal static class SqlInputs
{
    public static (string Name, string File) ParseOption(string option)
    {
        int eq = option.IndexOf('=');
        if (eq <= 0 || eq == option.Length - 1) throw new ArgumentException($"--input takes NAME=FILE.jsonl, got '{option}'.");
        return (option[..eq], option[(eq + 1)..]);
    }

    public static List<SqlInputRecord> Read(SqlProgram program, IEnumerable<string> options)
    {
        var files = options.Select(ParseOption).Select(o => ReadFile(program, o.Name, o.File)).ToList();
        return Merge(files);
    }

    public static List<SqlInputRecord> Merge(IReadOnlyList<IReadOnlyList<SqlInputRecord>> files)
    {
        var heads = new int[files.Count];
        var merged = new List<SqlInputRecord>();
        while (true)
        {
            int best = -1;
            for (int f = 0; f < files.Count; f++)
                if (heads[f] < files[f].Count && (best < 0 || files[f][heads[f]].Timestamp < files[best][heads[best]].Timestamp)) best = f;
            if (best < 0) return merged;
            merged.Add(files[best][heads[best]++]);
        }
    }

    public static List<SqlInputRecord> ReadFile(SqlProgram program, string name, string file)
    {
        SqlSource source;
        try
        {
            source = program.Source(name);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException($"--input {name}=...: {e.Message}", e);
        }
        if (!File.Exists(file)) throw new FileNotFoundException($"--input {name}={file}: no such file.", file);
        var records = new List<SqlInputRecord>();
        int n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{file}:{n}";
            var (key, value, ts) = SqlJsonLines.ParseInput(source, line, where);
            records.Add(new SqlInputRecord(source, key, value, ts, where));
        }
        return records;
    }
}
