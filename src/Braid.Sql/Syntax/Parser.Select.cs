namespace Braid.Sql.Syntax;

internal sealed partial class Parser
{
    private Select ParseSelect()
    {
        var start = Expect("select", "(a query starts with SELECT)");
        if (Peek.Is("distinct") && PeekAt(1).Is("on")) throw PeekAt(1).Pos.Error("SELECT DISTINCT ON is not supported; GROUP BY the key and pick values with (array_agg(x ORDER BY ...))[1].");
        bool distinct = Accept("distinct");
        if (!distinct && Peek.Is("all") && !PeekAt(1).Is("from") && !PeekAt(1).IsSymbol(",")) Next();
        var items = new List<SelectItem>();
        do
        {
            var at = Peek.Pos;
            var e = ParseExpr();
            string? alias = null;
            if (Accept("as")) alias = Identifier("a column alias").Name;
            else if (Peek.Kind == TokenKind.QuotedIdent || (Peek.Kind == TokenKind.Word && !Keywords.IsReserved(Peek.Text))) alias = Identifier("a column alias").Name;
            items.Add(new SelectItem(e, alias, at));
        }
        while (AcceptSymbol(","));
        Expect("from", "after the SELECT list (every query reads a table or stream)");
        var from = ParseFromItem();
        if (Peek.IsSymbol(","))
            throw Peek.Pos.Error(PeekAt(1).Is("unnest") ? "comma before UNNEST is not supported; write CROSS JOIN UNNEST(s.col) AS u(x)." : "comma joins are not supported; write JOIN other ON condition.");
        var joins = new List<JoinClause>();
        while (TryJoinKind(out var kind, out var joinPos))
        {
            var right = ParseFromItem();
            if (right is UnnestRef)
            {
                joins.Add(UnnestJoin(kind, joinPos, right));
                continue;
            }
            if (kind == JoinKind.Cross) throw joinPos.Error("CROSS JOIN is only supported with UNNEST (FROM s CROSS JOIN UNNEST(s.col) AS u(x)); join two inputs with JOIN ... ON a.col = b.col.");
            if (Peek.Is("using")) throw Peek.Pos.Error("JOIN ... USING is not supported; write JOIN ... ON a.col = b.col.");
            Expect("on", "after the joined table (JOIN t ON condition)");
            var on = ParseExpr();
            long? grace = null;
            if (Accept("grace")) { Expect("period", "after GRACE"); grace = ParseInterval(); }
            joins.Add(new JoinClause(joinPos, kind, right, on, grace));
        }
        Expr? where = Accept("where") ? ParseExpr() : null;
        var groupBy = new List<Expr>();
        if (Accept("group"))
        {
            Expect("by", "after GROUP");
            do groupBy.Add(ParseExpr()); while (AcceptSymbol(","));
        }
        Expr? having = null;
        if (Peek.Is("having"))
        {
            if (groupBy.Count == 0) throw Peek.Pos.Error("HAVING needs GROUP BY (it filters groups); filter rows with WHERE.");
            Next();
            having = ParseExpr();
        }
        bool emitOnClose = false;
        if (Accept("emit"))
        {
            if (Accept("changes")) emitOnClose = false;
            else if (Accept("final")) emitOnClose = true;
            else
            {
                Expect("on", "after EMIT (EMIT ON WINDOW CLOSE, EMIT FINAL or EMIT CHANGES)");
                Expect("window", "after EMIT ON");
                Expect("close", "after EMIT ON WINDOW");
                emitOnClose = true;
            }
        }
        if (Peek.Is("order")) throw Peek.Pos.Error("ORDER BY is not supported on a view (a maintained view is keyed, not ordered; the CLI prints views sorted by key); order inside array_agg(x ORDER BY y) instead.");
        if (Peek.Is("limit") || Peek.Is("offset") || Peek.Is("fetch")) throw Peek.Pos.Error($"{Peek.Text.ToUpperInvariant()} is not supported on a maintained view.");
        foreach (var setOp in new[] { "union", "intersect", "except" })
            if (Peek.Is(setOp)) throw Peek.Pos.Error($"{setOp.ToUpperInvariant()} is not supported; INSERT INTO one stream from several SELECTs to merge streams.");
        return new Select(start.Pos, items, from, joins, where, groupBy, emitOnClose, having, distinct);
    }

    /// <summary>CROSS JOIN UNNEST(...) AS u(x), or [LEFT] JOIN UNNEST(...) AS u(x) ON TRUE (Flink's and PostgreSQL's forms).</summary>
    private JoinClause UnnestJoin(JoinKind kind, Pos joinPos, FromItem right)
    {
        if (kind == JoinKind.Full) throw joinPos.Error("FULL JOIN UNNEST is not defined; write CROSS JOIN UNNEST(...) or LEFT JOIN UNNEST(...) AS u(x) ON TRUE.");
        Expr on = new Literal(right.Pos, true);
        if (kind != JoinKind.Cross)
        {
            Expect("on", "after JOIN UNNEST(...) AS u(x) (write ON TRUE, or CROSS JOIN UNNEST without ON)");
            on = ParseExpr();
            if (on is not Literal { Value: true }) throw on.Start.Error("a join with UNNEST takes ON TRUE (the elements belong to their own row); filter the elements in WHERE.");
        }
        return new JoinClause(joinPos, kind == JoinKind.Cross ? JoinKind.Inner : kind, right, on, null);
    }

    private bool TryJoinKind(out JoinKind kind, out Pos pos)
    {
        pos = Peek.Pos;
        kind = JoinKind.Inner;
        if (Peek.Is("right")) throw pos.Error("RIGHT JOIN is not supported; swap the two inputs and write LEFT JOIN.");
        if (Accept("cross"))
        {
            kind = JoinKind.Cross;
            Expect("join", "after CROSS");
            return true;
        }
        if (Peek.Is("natural") || Peek.Is("lateral"))
            throw pos.Error($"{Peek.Text.ToUpperInvariant()} JOIN is not supported; write JOIN / LEFT JOIN / FULL JOIN ... ON a.col = b.col.");
        if (Accept("join")) return true;
        if (Accept("inner")) { Expect("join", "after INNER"); return true; }
        if (Accept("left")) { kind = JoinKind.Left; Accept("outer"); Expect("join", "after LEFT"); return true; }
        if (Accept("full")) { kind = JoinKind.Full; Accept("outer"); Expect("join", "after FULL"); return true; }
        return false;
    }

    private FromItem ParseFromItem()
    {
        var at = Peek.Pos;
        if (Peek.IsSymbol("(")) throw at.Error("subqueries are not supported; define the inner query as its own CREATE MATERIALIZED VIEW or CREATE STREAM and read it by name.");
        if (Accept("table"))
        {
            ExpectSymbol("(", "after TABLE (a window table function: TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE)))");
            var window = ParseWindowFunction(at);
            ExpectSymbol(")", "after the window function");
            string alias = ParseAlias() ?? window.Input.Alias;
            long? grace = null;
            if (Accept("grace")) { Expect("period", "after GRACE"); grace = ParseInterval(); }
            return window with { Alias = alias, GraceMs = grace };
        }
        if (Peek.Is("lateral") && PeekAt(1).Is("unnest")) Next();
        if (Peek.Is("unnest") && PeekAt(1).IsSymbol("(")) return ParseUnnest();
        var (name, _) = Identifier("a table or stream name");
        Expr? asOf = ParseAsOf();
        string? a = ParseAlias();
        asOf ??= ParseAsOf();
        return new TableRef(at, name, a ?? name, asOf);
    }

    private UnnestRef ParseUnnest()
    {
        var at = Next().Pos;
        ExpectSymbol("(", "after UNNEST");
        var array = ParseExpr();
        if (Peek.IsSymbol(",")) throw Peek.Pos.Error("UNNEST of several arrays is not supported; UNNEST one array per CROSS JOIN.");
        ExpectSymbol(")", "after UNNEST's array");
        bool ordinality = false;
        if (Accept("with")) { Expect("ordinality", "after WITH (UNNEST(...) WITH ORDINALITY)"); ordinality = true; }
        // PostgreSQL: the element column is named by the alias when no column list is given.
        string alias = ParseAlias() ?? "unnest";
        string column = alias;
        string? ordinalityColumn = ordinality ? "ordinality" : null;
        if (AcceptSymbol("("))
        {
            column = Identifier("the element column's name").Name;
            if (AcceptSymbol(","))
            {
                if (!ordinality) throw PeekAt(-1).Pos.Error("UNNEST of one array gives one column; add WITH ORDINALITY for a second (the 1-based position).");
                ordinalityColumn = Identifier("the ordinality column's name").Name;
            }
            ExpectSymbol(")", "after UNNEST's column names");
        }
        return new UnnestRef(at, array, ordinality, alias, column, ordinalityColumn);
    }

    private Expr? ParseAsOf()
    {
        if (!Accept("for")) return null;
        Expect("system_time", "after FOR (FOR SYSTEM_TIME AS OF s.ts)");
        Expect("as", "after FOR SYSTEM_TIME");
        Expect("of", "after FOR SYSTEM_TIME AS");
        return ParseExpr();
    }

    private string? ParseAlias()
    {
        if (Accept("as")) return Identifier("an alias").Name;
        if (Peek.Kind == TokenKind.QuotedIdent || (Peek.Kind == TokenKind.Word && !Keywords.IsReserved(Peek.Text))) return Identifier("an alias").Name;
        return null;
    }

    private WindowRef ParseWindowFunction(Pos at)
    {
        var fn = Peek;
        WindowKind kind = fn.Is("tumble") ? WindowKind.Tumble : fn.Is("hop") ? WindowKind.Hop : fn.Is("session") ? WindowKind.Session
            : fn.Is("cumulate") ? throw fn.Pos.Error("CUMULATE windows are not supported; use TUMBLE, HOP or SESSION.")
            : throw fn.Pos.Error($"expected TUMBLE, HOP or SESSION in TABLE(...), found {fn.Describe()}.");
        Next();
        ExpectSymbol("(", $"after {fn.Text.ToUpperInvariant()}");
        var inputAt = Peek.Pos;
        Expect("table", "(the window function's first argument is TABLE name)");
        var (input, _) = Identifier("a stream name");
        if (Peek.Is("partition")) throw Peek.Pos.Error("PARTITION BY in a window function is not supported; group with GROUP BY window_start, window_end, key.");
        ExpectSymbol(",", "after the window function's input");
        Expect("descriptor", "(the time column is DESCRIPTOR(column))");
        ExpectSymbol("(", "after DESCRIPTOR");
        var (timeColumn, timePos) = Identifier("the time column");
        ExpectSymbol(")", "after the time column");
        ExpectSymbol(",", "before the window size");
        long first = ParseInterval();
        long? second = null;
        if (AcceptSymbol(",")) second = ParseInterval();
        ExpectSymbol(")", $"after {fn.Text.ToUpperInvariant()}'s arguments");
        if (kind == WindowKind.Hop && second is null) throw fn.Pos.Error("HOP takes a slide and a size: HOP(TABLE s, DESCRIPTOR(ts), slide, size).");
        if (kind != WindowKind.Hop && second is not null) throw fn.Pos.Error($"{fn.Text.ToUpperInvariant()} takes one interval.");
        var tableRef = new TableRef(inputAt, input, input, null);
        return kind == WindowKind.Hop
            ? new WindowRef(at, kind, tableRef, timeColumn, timePos, second!.Value, first, null, input)
            : new WindowRef(at, kind, tableRef, timeColumn, timePos, first, null, null, input);
    }
}
