using System.Text;
using Braid.Sql;
using Spectre.Console;

namespace Braid.Cli;

/// <summary>
/// The interactive <c>braid sql</c> shell. Statements end with ';'. CREATE statements extend the program (it is
/// recompiled and restarted, and every record loaded so far is replayed, because a topology is fixed once it
/// runs); <c>\load NAME FILE.jsonl</c> feeds a source; <c>SELECT ... FROM view [WHERE ...]</c> is a pull query
/// against the running view; <c>\views</c> lists sources and views; <c>\q</c> quits.
/// </summary>
internal sealed class SqlShell(IAnsiConsole console, TextReader input, TextWriter output, string hostName)
{
    private readonly StringBuilder _program = new();
    private readonly List<SqlInputRecord> _loaded = [];
    private readonly List<(string Name, string File)> _loads = [];
    private SqlProgram? _compiled;
    private ISqlHost? _host;

    public int Run(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        foreach (var option in inputs) _loads.Add(SqlInputs.ParseOption(option));
        output.WriteLine("braid sql shell — statements end with ';'. \\load NAME FILE.jsonl feeds a source, \\views lists, \\q quits.");
        var statement = new StringBuilder();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                output.Write(statement.Length == 0 ? "braid> " : "  ...> ");
                output.Flush();
                var line = input.ReadLine();
                if (line is null) break;
                if (statement.Length == 0 && line.TrimStart().StartsWith('\\'))
                {
                    if (!Meta(line.Trim())) break;
                    continue;
                }
                statement.AppendLine(line);
                if (!line.TrimEnd().EndsWith(';')) continue;
                Execute(statement.ToString());
                statement.Clear();
            }
        }
        finally
        {
            _host?.Dispose();
        }
        return ExitCodes.Success;
    }

    private bool Meta(string command)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0])
        {
            case "\\q" or "\\quit":
                return false;
            case "\\views":
                if (_compiled is null) { output.WriteLine("no program yet: CREATE TABLE / STREAM / MATERIALIZED VIEW first."); break; }
                foreach (var s in _compiled.Sources) output.WriteLine($"{(s.IsTable ? "table" : "stream")} {s.Name} ({string.Join(", ", s.Columns.Select(c => c.Name))}) ← topic {s.Topic}");
                foreach (var v in _compiled.Views) output.WriteLine($"{(v.IsTable ? "view" : "stream")} {v.Name} ({string.Join(", ", v.Columns.Select(c => c.Name))})");
                break;
            case "\\load" when parts.Length == 3:
                if (_compiled is null) { output.WriteLine("error: declare the source first (CREATE TABLE ... ;)."); break; }
                try
                {
                    var records = SqlInputs.ReadFile(_compiled, parts[1], parts[2]);
                    _loads.Add((parts[1], parts[2]));
                    _loaded.AddRange(records);
                    foreach (var r in records) _host!.Send(r.Source.Topic, r.Key, r.Value, r.Timestamp);
                    _host!.Flush();
                    output.WriteLine($"loaded {records.Count} record(s) into {parts[1]}.");
                }
                catch (Exception e) when (e is ArgumentException or IOException or Serialization.SerializationException)
                {
                    output.WriteLine($"error: {e.Message}");
                }
                break;
            default:
                output.WriteLine("commands: \\load NAME FILE.jsonl, \\views, \\q");
                break;
        }
        return true;
    }

    private void Execute(string statement)
    {
        if (statement.TrimStart().StartsWith("select", StringComparison.OrdinalIgnoreCase))
        {
            Pull(statement);
            return;
        }
        int lineOffset = _program.ToString().Count(c => c == '\n');
        var candidate = _program + statement;
        try
        {
            var compiled = BraidSql.Compile(candidate);
            _program.Append(statement);
            Restart(compiled);
            output.WriteLine("ok.");
        }
        catch (SqlException e) when (e.Line > lineOffset)
        {
            output.WriteLine($"error: line {e.Line - lineOffset}, column {e.Column}: {e.Problem}");
        }
        catch (SqlException e) when (e.Problem.Contains("declares no CREATE TABLE", StringComparison.Ordinal))
        {
            output.WriteLine("error: declare a source first: CREATE TABLE name (..., PRIMARY KEY (...)); or CREATE STREAM name (...);");
        }
    }

    private void Restart(SqlProgram compiled)
    {
        _host?.Dispose();
        _compiled = compiled;
        _host = SqlHosts.Create(hostName, compiled);
        // Sources named by --input are loaded as soon as they exist; everything loaded before is replayed.
        foreach (var (name, file) in _loads.ToList())
            if (_loaded.All(r => r.Source.Name != name) && compiled.Sources.Any(s => s.Name == name))
                _loaded.AddRange(SqlInputs.ReadFile(compiled, name, file));
        foreach (var r in _loaded)
            _host.Send(compiled.Source(r.Source.Name).Topic, r.Key, r.Value, r.Timestamp);
        _host.Flush();
    }

    private void Pull(string statement)
    {
        if (_compiled is null || _host is null) { output.WriteLine("error: no views yet; CREATE MATERIALIZED VIEW first."); return; }
        try
        {
            var query = SqlPullQuery.Prepare(_compiled, statement);
            var rows = query.Run(_host.Store(query.View));
            new SqlOutput(console, output, jsonl: false).Table($"{query.View.Name}: {rows.Count} row{(rows.Count == 1 ? "" : "s")}{(query.IsKeyLookup ? " (key lookup)" : "")}",
                query.Columns, rows.Select(r => r.Values));
        }
        catch (SqlException e)
        {
            output.WriteLine($"error: line {e.Line}, column {e.Column}: {e.Problem}");
        }
    }
}
