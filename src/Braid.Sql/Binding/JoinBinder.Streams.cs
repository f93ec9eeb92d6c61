using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

internal sealed partial class JoinBinder
{
    /// <summary>
    /// stream ⋈ table on the table's primary key: the stream is re-keyed by the join columns and looks each
    /// event up in the table (Kafka's KStreamKTableJoin). Against a versioned table the lookup is as of the
    /// event's timestamp, which FOR SYSTEM_TIME AS OF must name.
    /// </summary>
    private static Relation StreamTable(Relation left, Relation right, JoinClause clause, JoinCondition cond, Expr? asOf, Schema schema,
        Func<SqlRow?, SqlRow?, SqlRow> joined)
    {
        if (clause.Kind == JoinKind.Full) throw clause.Pos.Error("FULL JOIN of a stream with a table is not defined (a table row is not an event); use JOIN or LEFT JOIN.");
        var byKey = CoversKey(right, cond.Pairs, p => p.RightExpr)
            ?? throw clause.On.Start.Error($"a stream–table join looks the table up by its primary key: ON must equate {string.Join(" and ", right.KeyColumns.Select(c => c.Name))} of the table with the stream's columns.");
        if (right.VersionedRetention is not null && asOf is null)
            throw clause.Right.Pos.Error($"{clause.Right.Alias} is a versioned table: write JOIN {((TableRef)clause.Right).Name} FOR SYSTEM_TIME AS OF <stream>.<time column> ... (the lookup is as of each event's time).");
        if (asOf is not null)
        {
            if (right.VersionedRetention is null)
                throw asOf.Pos.Error($"{clause.Right.Alias} is not versioned: declare it WITH (versioned = '1 day') to look rows up as of an event's time.");
            if (asOf is not ColumnRef c || left.TimeColumn is not { } t || left.Schema.Resolve(c) != t)
                throw asOf.Pos.Error("FOR SYSTEM_TIME AS OF names the stream's time column (the column of its WITH (timestamp = '...')); the lookup uses each event's timestamp.");
        }
        if (clause.GraceMs is not null && right.VersionedRetention is null)
            throw clause.Pos.Error("GRACE PERIOD on a stream–table join needs a versioned table (Kafka's KIP-923: late table updates are only visible in a versioned table).");
        var key = JoinCondition.KeyFunction(byKey.Select(p => p.Left).ToList(), right.KeyColumns.Select(c => c.Type).ToList());
        var rekeyed = left.Stream!.SelectKey((_, row) => key(row!)!);
        var options = new Joined<SqlRow, SqlRow, SqlRow>
        {
            KeySerde = SqlRowSerde.Instance, LeftValueSerde = SqlRowSerde.Instance, RightValueSerde = SqlRowSerde.Instance,
            GracePeriod = clause.GraceMs is { } g ? TimeSpan.FromMilliseconds(g) : null,
        };
        var result = clause.Kind == JoinKind.Inner
            ? rekeyed.Join(right.Table!, (l, r) => joined(l, r), options)
            : rekeyed.LeftJoin(right.Table!, (l, r) => joined(l, r), options);
        return new Relation
        {
            Schema = schema, Stream = result, TimeColumn = left.TimeColumn,
            Key = right.Key.Select(k => k < 0 ? -1 : left.Schema.Count + k).ToArray(), KeyColumns = right.KeyColumns,
        };
    }

    /// <summary>
    /// stream ⋈ stream with <c>b.ts BETWEEN a.ts - INTERVAL x AND a.ts + INTERVAL y</c>: both streams are
    /// re-keyed by the join columns and joined in Kafka's sliding join windows (before x, after y), with the
    /// GRACE PERIOD (default none) deciding when unmatched LEFT/FULL rows are emitted.
    /// </summary>
    private static Relation StreamStream(Relation left, Relation right, JoinClause clause, JoinCondition cond, Schema schema,
        Func<SqlRow?, SqlRow?, SqlRow> joined)
    {
        var bound = cond.TimeBound ?? throw clause.On.Start.Error("a stream–stream join needs a time bound: ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL '5' MINUTE AND a.ts + INTERVAL '5' MINUTE.");
        var (before, after) = Window(bound, left, right);
        var windows = JoinWindows.OfTimeDifferenceAndGrace(TimeSpan.Zero, TimeSpan.FromMilliseconds(clause.GraceMs ?? 0))
            .Before(TimeSpan.FromMilliseconds(before)).After(TimeSpan.FromMilliseconds(after));
        var types = cond.Pairs.Select(p => JoinCondition.Common(p.Left.Type, p.Right.Type)).ToList();
        var lk = JoinCondition.KeyFunction(cond.Pairs.Select(p => p.Left).ToList(), types);
        var rk = JoinCondition.KeyFunction(cond.Pairs.Select(p => p.Right).ToList(), types);
        var l = left.Stream!.SelectKey((_, row) => lk(row!)!);
        var r = right.Stream!.SelectKey((_, row) => rk(row!)!);
        var options = new StreamJoined<SqlRow, SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance, OtherValueSerde = SqlRowSerde.Instance };
        var result = clause.Kind switch
        {
            JoinKind.Inner => l.Join(r, (a, b) => joined(a, b), windows, options),
            JoinKind.Left => l.LeftJoin(r, (a, b) => joined(a, b), windows, options),
            _ => l.OuterJoin(r, (a, b) => joined(a, b), windows, options),
        };
        var keyColumns = cond.Pairs.Select((p, i) => new SqlColumn(p.LeftExpr is ColumnRef c ? c.Name : $"k{i}", types[i])).ToList();
        var keyPositions = cond.Pairs.Select(p => p.LeftExpr is ColumnRef c ? left.Schema.Resolve(c) : -1).ToArray();
        // No time column: a joined record's timestamp is the later of the two sides' (Kafka's KStreamKStreamJoin), which
        // neither column holds in general; a later windowed GROUP BY re-timestamps from its DESCRIPTOR column.
        return new Relation { Schema = schema, Stream = result, TimeColumn = null, Key = keyPositions, KeyColumns = keyColumns };
    }

    /// <summary>The join window (before, after) in milliseconds from <c>v.ts BETWEEN o.ts + lo AND o.ts + hi</c>.</summary>
    private static (long Before, long After) Window(Between bound, Relation left, Relation right)
    {
        const string Shape = "the time bound is b.ts BETWEEN a.ts - INTERVAL 'x' unit AND a.ts + INTERVAL 'y' unit, on the streams' time columns (WITH (timestamp = '...'))";
        if (bound.Value is not ColumnRef v) throw bound.Pos.Error(Shape + ".");
        var side = JoinCondition.SideOf(v, left.Schema, right.Schema);
        var (vRel, oRel) = side == JoinCondition.Side.Left ? (left, right) : (right, left);
        if (vRel.TimeColumn is not { } vt || vRel.Schema.Resolve(v) != vt) throw v.Pos.Error(Shape + $"; {v} is not its stream's time column.");
        long lo = Offset(bound.Low, oRel, Shape), hi = Offset(bound.High, oRel, Shape);
        if (lo > hi) throw bound.Pos.Error("the time bound's lower end is after its upper end.");
        // Right value: other ∈ [this + lo, this + hi] → before = -lo, after = hi. Left value: mirrored.
        return side == JoinCondition.Side.Right ? (-lo, hi) : (hi, -lo);
    }

    private static long Offset(Expr e, Relation other, string shape)
    {
        switch (e)
        {
            case ColumnRef c when other.TimeColumn is { } t && other.Schema.Columns.Count > t && Resolves(other, c, t):
                return 0;
            case Binary { Op: "+" or "-" } b when b.Left is ColumnRef c && other.TimeColumn is { } t && Resolves(other, c, t) && b.Right is IntervalLiteral i:
                return b.Op == "+" ? i.Millis : -i.Millis;
            default:
                throw e.Pos.Error(shape + ".");
        }
    }

    private static bool Resolves(Relation rel, ColumnRef c, int position)
    {
        try
        {
            return rel.Schema.Resolve(c) == position;
        }
        catch (SqlException)
        {
            return false;
        }
    }
}
