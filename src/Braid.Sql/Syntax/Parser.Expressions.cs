using System.Globalization;

namespace Braid.Sql.Syntax;

// Expressions with PostgreSQL's precedence: OR < AND < NOT < comparison/IS/BETWEEN/IN/LIKE < || < + - < * / % < unary.
internal sealed partial class Parser
{
    private Expr ParseExpr() => ParseOr();

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Is("or")) { var at = Next().Pos; left = new Binary(at, "OR", left, ParseAnd()); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Peek.Is("and")) { var at = Next().Pos; left = new Binary(at, "AND", left, ParseNot()); }
        return left;
    }

    private Expr ParseNot()
    {
        if (Peek.Is("not")) { var at = Next().Pos; return new Unary(at, "NOT", ParseNot()); }
        return ParseComparison();
    }

    private Expr ParseComparison()
    {
        var left = ParseConcat();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Symbol && t.Text is "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=")
            {
                Next();
                string op = t.Text == "!=" ? "<>" : t.Text;
                if ((Peek.Is("any") || Peek.Is("some") || Peek.Is("all")) && PeekAt(1).IsSymbol("("))
                {
                    bool all = Next().Is("all");
                    Next();
                    if (Peek.Is("select")) throw Peek.Pos.Error("ANY/ALL (SELECT ...) is not supported; write a JOIN.");
                    var array = ParseExpr();
                    ExpectSymbol(")", $"after {(all ? "ALL" : "ANY")}(array");
                    left = new Quantified(t.Pos, op, left, array, all);
                    continue;
                }
                left = new Binary(t.Pos, op, left, ParseConcat());
                continue;
            }
            if (t.Is("is"))
            {
                Next();
                bool neg = Accept("not");
                if (Peek.Is("distinct")) throw Peek.Pos.Error("IS [NOT] DISTINCT FROM is not supported; write (a = b OR (a IS NULL AND b IS NULL)).");
                Expect("null", "after IS [NOT] (IS NULL / IS NOT NULL)");
                left = new IsNull(t.Pos, left, neg);
                continue;
            }
            bool negated = t.Is("not") && (PeekAt(1).Is("between") || PeekAt(1).Is("in") || PeekAt(1).Is("like"));
            if (negated) Next();
            if (Accept("between"))
            {
                if (Peek.Is("symmetric")) throw Peek.Pos.Error("BETWEEN SYMMETRIC is not supported; write BETWEEN low AND high.");
                var low = ParseConcat();
                Expect("and", "in BETWEEN low AND high");
                left = new Between(t.Pos, left, low, ParseConcat(), negated);
                continue;
            }
            if (Accept("in"))
            {
                ExpectSymbol("(", "after IN");
                if (Peek.Is("select")) throw Peek.Pos.Error("IN (SELECT ...) is not supported; write a JOIN.");
                var items = new List<Expr>();
                do items.Add(ParseExpr()); while (AcceptSymbol(","));
                ExpectSymbol(")", "after the IN list");
                left = new InList(t.Pos, left, items, negated);
                continue;
            }
            if (Accept("like"))
            {
                left = new Like(t.Pos, left, ParseConcat(), negated);
                continue;
            }
            return left;
        }
    }

    private Expr ParseConcat()
    {
        var left = ParseAdditive();
        while (Peek.IsSymbol("||")) { var at = Next().Pos; left = new Binary(at, "||", left, ParseAdditive()); }
        return left;
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek.IsSymbol("+") || Peek.IsSymbol("-")) { var t = Next(); left = new Binary(t.Pos, t.Text, left, ParseMultiplicative()); }
        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek.IsSymbol("*") || Peek.IsSymbol("/") || Peek.IsSymbol("%")) { var t = Next(); left = new Binary(t.Pos, t.Text, left, ParseUnary()); }
        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek.IsSymbol("-")) { var at = Next().Pos; return new Unary(at, "-", ParseUnary()); }
        if (Peek.IsSymbol("+")) { Next(); return ParseUnary(); }
        var e = ParsePrimary();
        while (Peek.IsSymbol("::") || Peek.IsSymbol("[") || Peek.IsSymbol("->") || Peek.IsSymbol("->>"))
        {
            var at = Next().Pos;
            if (PeekAt(-1).IsSymbol("->") || PeekAt(-1).IsSymbol("->>"))
            {
                bool asText = PeekAt(-1).IsSymbol("->>");
                // The path is a primary ('name', 0, a column, (expr)) or a negative index (-1: the last element).
                var path = Peek.IsSymbol("-") && PeekAt(1).Kind == TokenKind.Number ? new Unary(Next().Pos, "-", ParsePrimary()) : ParsePrimary();
                e = new JsonGet(at, e, path, asText);
                continue;
            }
            if (PeekAt(-1).IsSymbol("::"))
            {
                e = new Cast(at, e, ParseTypeName());
                continue;
            }
            var index = ParseExpr();
            ExpectSymbol("]", "after the array index");
            e = new Subscript(at, e, index);
        }
        return e;
    }

    private SqlType ParseTypeName()
    {
        var t = Peek;
        if (t.Kind != TokenKind.Word) throw t.Pos.Error($"expected a type ({SqlTypes.Supported}), found {t.Describe()}.");
        Next();
        if (t.Is("double")) Accept("precision");
        if (AcceptSymbol("(")) { do Next(); while (AcceptSymbol(",")); ExpectSymbol(")"); }
        return SqlTypes.Parse(t.Text) ?? throw t.Pos.Error($"unknown type {t.Text}; supported: {SqlTypes.Supported}.");
    }

    private Expr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Next();
                return new Literal(t.Pos, NumberLiteral(t.Text));
            case TokenKind.String:
                Next();
                return new Literal(t.Pos, t.Text);
            case TokenKind.Symbol when t.Text == "(":
                Next();
                if (Peek.Is("select")) throw Peek.Pos.Error("subqueries are not supported; define the inner query as its own view and JOIN it.");
                var inner = ParseExpr();
                ExpectSymbol(")", "to close the parenthesis");
                return inner;
            case TokenKind.Symbol when t.Text == "*":
                Next();
                return new StarRef(t.Pos, null);
            case TokenKind.End or TokenKind.Symbol:
                throw t.Pos.Error($"expected an expression, found {t.Describe()}.");
        }
        if (t.Is("null")) { Next(); return new Literal(t.Pos, null); }
        if (t.Is("true")) { Next(); return new Literal(t.Pos, true); }
        if (t.Is("false")) { Next(); return new Literal(t.Pos, false); }
        if (t.Is("interval")) return new IntervalLiteral(t.Pos, ParseInterval());
        if (t.Is("case")) return ParseCase();
        if (t.Is("cast"))
        {
            Next();
            ExpectSymbol("(", "after CAST");
            var value = ParseExpr();
            Expect("as", "in CAST(value AS type)");
            var type = ParseTypeName();
            ExpectSymbol(")", "after CAST's type");
            return new Cast(t.Pos, value, type);
        }
        if (t.Kind == TokenKind.Word && Keywords.IsReserved(t.Text)) throw t.Pos.Error($"expected an expression, found the keyword {t.Text.ToUpperInvariant()}.");
        var (name, pos) = Identifier("a column or function");
        if (Peek.IsSymbol("(")) return ParseCall(name, pos);
        if (AcceptSymbol("."))
        {
            if (AcceptSymbol("*")) return new StarRef(pos, name);
            var (column, _) = Identifier($"a column of {name}");
            if (Peek.IsSymbol(".")) throw Peek.Pos.Error("names have at most two parts (table.column).");
            return new ColumnRef(pos, name, column);
        }
        return new ColumnRef(pos, null, name);
    }

    /// <summary>An integer is BIGINT (DECIMAL when it does not fit), a number with a point DECIMAL, with an exponent DOUBLE.</summary>
    private static object NumberLiteral(string text)
    {
        if (text.Contains('e') || text.Contains('E')) return double.Parse(text, CultureInfo.InvariantCulture);
        if (!text.Contains('.') && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long l)) return l;
        return decimal.Parse(text, CultureInfo.InvariantCulture);
    }

    private Expr ParseCall(string name, Pos pos)
    {
        ExpectSymbol("(");
        var args = new List<Expr>();
        var orderBy = new List<OrderTerm>();
        bool star = false, distinct = false;
        if (Peek.IsSymbol("*") && PeekAt(1).IsSymbol(")")) { Next(); star = true; }
        else if (!Peek.IsSymbol(")"))
        {
            if (Accept("distinct")) distinct = true;
            do args.Add(ParseExpr()); while (AcceptSymbol(","));
            if (Accept("order"))
            {
                Expect("by", "after ORDER");
                do
                {
                    var at = Peek.Pos;
                    var e = ParseExpr();
                    bool desc = Accept("desc");
                    if (!desc) Accept("asc");
                    if (Peek.Is("nulls")) throw Peek.Pos.Error("NULLS FIRST/LAST is not supported; nulls sort last ascending and first descending (PostgreSQL's default).");
                    orderBy.Add(new OrderTerm(e, desc, at));
                }
                while (AcceptSymbol(","));
            }
        }
        ExpectSymbol(")", $"to close {name}(");
        if (Peek.Is("filter")) throw Peek.Pos.Error("aggregate FILTER (WHERE ...) is not supported; use CASE WHEN inside the aggregate.");
        if (Peek.Is("over")) throw Peek.Pos.Error("window functions (OVER) are not supported; use GROUP BY, or windowed GROUP BY with TUMBLE/HOP/SESSION.");
        return new FunctionCall(pos, name, args, star, distinct, orderBy);
    }

    private Expr ParseCase()
    {
        var at = Next().Pos;
        Expr? operand = Peek.Is("when") ? null : ParseExpr();
        var whens = new List<(Expr, Expr)>();
        while (Accept("when"))
        {
            var when = ParseExpr();
            Expect("then", "after CASE WHEN condition");
            whens.Add((when, ParseExpr()));
        }
        if (whens.Count == 0) throw Peek.Pos.Error("CASE needs at least one WHEN ... THEN ....");
        Expr? otherwise = Accept("else") ? ParseExpr() : null;
        Expect("end", "to close CASE");
        return new Case(at, operand, whens, otherwise);
    }

    /// <summary>INTERVAL '5' MINUTE, INTERVAL '5 minutes', or a quoted duration in a WITH option; milliseconds.</summary>
    private long ParseInterval()
    {
        var at = Expect("interval", "(durations are written INTERVAL '5' MINUTE)").Pos;
        var value = Next();
        if (value.Kind is not (TokenKind.String or TokenKind.Number)) throw value.Pos.Error($"expected the interval's amount ('5'), found {value.Describe()}.");
        string text = value.Text.Trim();
        string? unit = null;
        if (Peek.Kind == TokenKind.Word && Durations.UnitMillis(Peek.Text) is not null) unit = Next().Text;
        if (unit is not null && Peek.Is("to")) throw Peek.Pos.Error("interval ranges (MINUTE TO SECOND) are not supported; write INTERVAL '90' SECOND.");
        return Durations.Parse(unit is null ? text : text + " " + unit, at);
    }
}
