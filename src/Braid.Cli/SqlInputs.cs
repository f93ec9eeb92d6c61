using Braid.Sql;

namespace Braid.Cli;

/// <summary>One input record of <c>braid sql</c>, already checked against its source.</summary>
internal sealed record SqlInputRecord(SqlSource Source, byte[]? Key, byte[]? Value, long Timestamp, string Where);

/// <summary>
/// Reads <c>--input NAME=FILE.jsonl</c> files. Records of all files are merged by timestamp; records with equal
/// timestamps keep the order of the --input options, then of the lines (a stable merge), so a run is repeatable.
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
        var all = new List<SqlInputRecord>();
        foreach (var option in options)
        {
            var (name, file) = ParseOption(option);
            all.AddRange(ReadFile(program, name, file));
        }
        return all.OrderBy(r => r.Timestamp).ToList();
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
