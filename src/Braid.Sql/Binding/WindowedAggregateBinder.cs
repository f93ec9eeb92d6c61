using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// Windowed GROUP BY over a window table function (Flink's syntax): TUMBLE → <c>TimeWindows</c> of the size,
/// HOP → hopping <c>TimeWindows.AdvanceBy(slide)</c>, SESSION → <c>SessionWindows</c> with the gap; GRACE PERIOD
/// after the function gives the windows' grace (default none). <c>EMIT ON WINDOW CLOSE</c> (or EMIT FINAL) sets
/// <c>EmitStrategy.OnWindowClose</c>: one final row per window once stream time passes its end plus grace.
/// The result is a table keyed by the GROUP BY values plus window_start and window_end (epoch milliseconds;
/// for SESSION, Kafka's session bounds: first and last event time).
/// </summary>
internal sealed class WindowedAggregateBinder(QueryBinder binder)
{
    private static readonly Column[] WindowColumns = [new(null, "window_start", SqlType.Timestamp), new(null, "window_end", SqlType.Timestamp)];

    public Relation Bind(Select q, WindowRef w)
    {
        if (q.Joins.Count > 0) throw q.Joins[0].Pos.Error("a windowed aggregation reads one stream; join first in a CREATE STREAM ... AS SELECT, then window that stream.");
        var rel = binder.Input(w.Input);
        if (rel.IsTable) throw w.Input.Pos.Error($"{w.Input.Name} is a table; window table functions take a stream (a table's rows are not events in time).");
        rel = new Relation { Schema = rel.Schema.Requalify(w.Alias), Key = rel.Key, KeyColumns = rel.KeyColumns, Stream = rel.Stream, TimeColumn = rel.TimeColumn };
        if (rel.TimeColumn is not { } t || rel.Schema.Columns[t].Name != w.TimeColumn)
            rel = Retimestamp(rel, w);
        if (q.Where is not null)
        {
            var predicate = new ExprCompiler(rel.Schema).Boolean(q.Where, "WHERE").Eval;
            rel = QueryBinder.With(rel, stream: rel.Stream!.Filter((_, row) => predicate(row!) is true));
        }
        var windowKeys = q.GroupBy.OfType<ColumnRef>().Where(c => c.Name is "window_start" or "window_end").ToList();
        if (!windowKeys.Any(c => c.Name == "window_start") || !windowKeys.Any(c => c.Name == "window_end"))
            throw (q.GroupBy.Count > 0 ? q.GroupBy[0].Pos : q.Pos).Error("a windowed aggregation groups by window_start and window_end (GROUP BY window_start, window_end, other columns).");
        var plan = GroupPlan.Create(rel.Schema, q with { GroupBy = q.GroupBy.Except(windowKeys).ToList() }, WindowColumns);
        var grouped = rel.Stream!.GroupBy((_, row) => plan.GroupKey(row!), new Grouped<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
        var grace = TimeSpan.FromMilliseconds(w.GraceMs ?? 0);
        var stored = new Materialized<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance };
        var emit = q.EmitOnWindowClose ? EmitStrategy.OnWindowClose() : EmitStrategy.OnWindowUpdate();
        KTable<Windowed<SqlRow>, SqlRow> windowed = w.Kind switch
        {
            WindowKind.Session => grouped.WindowedBy(SessionWindows.OfInactivityGapAndGrace(TimeSpan.FromMilliseconds(w.SizeMs), grace)).EmitStrategy(emit)
                .Aggregate(() => GroupPlan.NoMembers, (_, row, state) => GroupPlan.Append(state, plan.Member(row)), (_, a, b) => GroupPlan.Merge(a, b), stored),
            _ => grouped.WindowedBy(Windows(w, grace)).EmitStrategy(emit)
                .Aggregate(() => GroupPlan.NoMembers, (_, row, state) => GroupPlan.Append(state, plan.Member(row)), stored),
        };
        var table = windowed.ToStream()
            .Map((wk, state) =>
            {
                var key = Keys.Make([.. wk.Key.Values, wk.Window.Start, wk.Window.End]);
                return KeyValue.Pair(key, state is null ? null! : plan.Result(key, GroupPlan.Members(state))!);
            })
            .ToTable(new Materialized<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
        return plan.Output(table);
    }

    /// <summary>
    /// DESCRIPTOR(col) names the event time. On a source stream it must be the WITH (timestamp = ...) column; on a
    /// derived stream whose record timestamp is not that column (a stream–stream join, INSERT INTO from other
    /// columns), the records are re-timestamped from it first (<see cref="Runtime.EventTimeProcessor"/>).
    /// </summary>
    private Relation Retimestamp(Relation rel, WindowRef w)
    {
        if (binder.IsSource(w.Input.Name))
            throw w.TimeColumnPos.Error($"DESCRIPTOR({w.TimeColumn}) must name the stream's time column (declare it WITH (timestamp = '{w.TimeColumn}')): windows follow the record timestamps.");
        int at = rel.Schema.Columns.ToList().FindIndex(c => c.Name == w.TimeColumn);
        if (at < 0) throw w.TimeColumnPos.Error($"DESCRIPTOR({w.TimeColumn}): {w.Input.Name} has no column {w.TimeColumn} (columns: {string.Join(", ", rel.Schema.Names)}).");
        if (rel.Schema.Columns[at].Type is not (SqlType.Timestamp or SqlType.BigInt))
            throw w.TimeColumnPos.Error($"DESCRIPTOR({w.TimeColumn}) must be a TIMESTAMP or BIGINT (epoch milliseconds) column, it is {SqlTypes.Name(rel.Schema.Columns[at].Type)}.");
        var stream = rel.Stream!.ProcessValues(() => new Runtime.EventTimeProcessor(at));
        return new Relation { Schema = rel.Schema, Key = rel.Key, KeyColumns = rel.KeyColumns, Stream = stream, TimeColumn = at };
    }

    private static TimeWindows Windows(WindowRef w, TimeSpan grace)
    {
        var windows = TimeWindows.OfSizeAndGrace(TimeSpan.FromMilliseconds(w.SizeMs), grace);
        return w.SlideMs is { } slide ? windows.AdvanceBy(TimeSpan.FromMilliseconds(slide)) : windows;
    }
}
