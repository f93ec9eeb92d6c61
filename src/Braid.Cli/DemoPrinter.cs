using Braid.Samples;
using Spectre.Console;

namespace Braid.Cli;

/// <summary>Prints a demo run: explanation, the inputs, the outputs step by step and the final table.</summary>
internal sealed class DemoPrinter(IAnsiConsole console)
{
    private readonly TableBorder _border = DemoConsole.Redirected ? TableBorder.Ascii : TableBorder.Rounded;

    public void Header(string host, int count)
    {
        console.MarkupLineInterpolated($"[bold]Braid demos[/] ({count} of {DemoCatalog.All.Count}). Host: {host}");
        console.MarkupLine("[grey]Times are event times on 2021-01-01 (UTC); (tombstone) is a null value, i.e. a delete.[/]");
        console.WriteLine();
    }

    public void Print(DemoRun run)
    {
        console.Write(new Rule($"[bold yellow]{Markup.Escape(run.Demo.Title)}[/]  [grey]braid demo {run.Demo.Name}[/]").LeftJustified());
        console.WriteLine(Unindent(run.Demo.Explanation));
        console.WriteLine();
        foreach (var script in run.Scripts) Print(script);
    }

    private void Print(DemoScriptRun run)
    {
        console.MarkupLineInterpolated($"[bold]▸ {run.Script.Title}[/]");
        foreach (var (name, keep) in run.Script.Retention ?? new Dictionary<string, TopicRetention>())
        {
            var why = keep == TopicRetention.LatestPerKey
                ? "only the latest value per key matters, so it may be compacted (cleanup.policy=compact)"
                : "every record is needed, so it must never be compacted (cleanup.policy=delete, long retention)";
            console.MarkupLineInterpolated($"  [grey]topic {name}: {why}[/]");
        }
        console.Write(Inputs(run));
        console.Write(Outputs(run));
        if (run.Script.TableTopic is { } topic) console.Write(FinalTable(topic, run.FinalTable()));
        console.WriteLine();
    }

    private Table Inputs(DemoScriptRun run)
    {
        var table = NewTable("Inputs", "#", "time", "topic", "key", "value");
        foreach (var s in run.Steps)
        {
            var note = s.Step.Note is null ? "" : $"  [grey]← {Markup.Escape(s.Step.Note)}[/]";
            switch (s.Step)
            {
                case DemoInput i:
                    table.AddRow(Cell(s.Number.ToString()), Cell(DemoClock.Show(i.Timestamp)), Cell(i.Topic), Cell(i.KeyText), new Markup(Escape(i.ValueText, i.Value is null) + note));
                    break;
                case DemoQuery q:
                    table.AddRow(Cell(s.Number.ToString()), Cell(""), new Markup("[blue]query[/]"), Cell(""), new Markup($"[blue]{Markup.Escape(q.Question)}[/] → {Markup.Escape(s.Answer ?? "")}" + note));
                    break;
            }
        }
        return table;
    }

    private Table Outputs(DemoScriptRun run)
    {
        var table = NewTable("Results, as each input caused them", "after #", "time", "topic", "key", "value");
        foreach (var s in run.Steps)
        {
            foreach (var o in s.Outputs)
                table.AddRow(Cell(s.Number.ToString()), Cell(DemoClock.Show(o.Timestamp)), Cell(o.Topic), Cell(o.Key), new Markup(Escape(o.Value ?? DemoText.Tombstone, o.Value is null)));
        }
        if (table.Rows.Count == 0) table.AddRow(Cell(""), Cell(""), Cell(""), Cell(""), Cell("(nothing yet)"));
        return table;
    }

    private Table FinalTable(string topic, IReadOnlyList<DemoOutput> rows)
    {
        var table = NewTable($"{topic} at the end (latest value per key)", "key", "value", "time");
        foreach (var o in rows) table.AddRow(Cell(o.Key), Cell(o.Value!), Cell(DemoClock.Show(o.Timestamp)));
        if (rows.Count == 0) table.AddRow(Cell("(empty)"), Cell(""), Cell(""));
        return table;
    }

    private Table NewTable(string title, params string[] columns)
    {
        var table = new Table().Border(_border).Title($"[bold]{Markup.Escape(title)}[/]");
        foreach (var c in columns) table.AddColumn(new TableColumn($"[bold]{Markup.Escape(c)}[/]"));
        return table;
    }

    private static Text Cell(string text) => new(text);

    private static string Escape(string text, bool tombstone) => tombstone ? $"[red]{Markup.Escape(text)}[/]" : Markup.Escape(text);

    private static string Unindent(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
