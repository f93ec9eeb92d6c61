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
            Table($"view {view.Name} ({rows.Count} row{(rows.Count == 1 ? "" : "s")})", view.Columns, rows.Select(kv => kv.Value.Value.Values));
            return;
        }
        var records = host.Read(view);
        if (jsonl)
        {
            foreach (var r in records) stdout.WriteLine(SqlJsonLines.StreamLine(view, r.Key, r.Value, r.Timestamp));
            return;
        }
        Table($"stream {view.Name} ({records.Count} record{(records.Count == 1 ? "" : "s")})", [new SqlColumn("(ts)", SqlType.Timestamp), .. view.Columns],
            records.Select(r => (IReadOnlyList<object?>)[r.Timestamp, .. r.Value?.Values ?? view.Columns.Select(_ => (object?)null)]));
    }

    /// <summary>A readable table; the title goes on its own line (a table title would wrap to the table's width), TIMESTAMPs as UTC dates.</summary>
    public void Table(string title, IReadOnlyList<SqlColumn> columns, IEnumerable<IReadOnlyList<object?>> rows)
    {
        console.WriteLine(title);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(Markup.Escape(c.Name));
        foreach (var row in rows) table.AddRow(row.Select((v, i) => new Text(Show(v, columns[i].Type))).ToArray());
        console.Write(table);
    }

    private static string Show(object? v, SqlType type) => v switch
    {
        null => "NULL",
        long ms when type == SqlType.Timestamp && ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 =>
            DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString(ms % 1000 == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        string s => s,
        SqlRow r => r.ToJson(),
        _ => v is SqlArray a ? a.ToString() : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
