using Braid.Sql;
using Spectre.Console;

namespace Braid.Cli;

/// <summary>Prints a view (final rows, sorted by key) or a stream (every record, in order) as a table or JSON lines.</summary>
internal sealed class SqlOutput(IAnsiConsole console, TextWriter stdout, bool jsonl)
{
    public void Print(ISqlHost host, SqlView view)
    {
        if (view.IsTable)
        {
            var rows = host.Store(view).All().OrderBy(kv => kv.Key).ToList();
            if (jsonl)
            {
                foreach (var kv in rows) stdout.WriteLine(SqlJsonLines.ViewLine(view, kv.Key, kv.Value.Value));
                return;
            }
            Table($"view {view.Name} ({rows.Count} row{(rows.Count == 1 ? "" : "s")})", view.Columns.Select(c => c.Name), rows.Select(kv => kv.Value.Value.Values));
            return;
        }
        var records = host.Read(view);
        if (jsonl)
        {
            foreach (var r in records) stdout.WriteLine(SqlJsonLines.StreamLine(view, r.Key, r.Value, r.Timestamp));
            return;
        }
        Table($"stream {view.Name} ({records.Count} record{(records.Count == 1 ? "" : "s")})", ["ts", .. view.Columns.Select(c => c.Name)],
            records.Select(r => (IReadOnlyList<object?>)[r.Timestamp, .. r.Value?.Values ?? view.Columns.Select(_ => (object?)null)]));
    }

    public void Table(string title, IEnumerable<string> columns, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }.Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(Markup.Escape(c));
        foreach (var row in rows) table.AddRow(row.Select(v => new Text(Show(v))).ToArray());
        console.Write(table);
    }

    private static string Show(object? v) => v switch
    {
        null => "NULL",
        string s => s,
        SqlRow r => r.ToJson(),
        _ => v is SqlArray a ? a.ToString() : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
