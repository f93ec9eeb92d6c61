using System.Text.RegularExpressions;
using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

internal sealed partial class ExprCompiler
{
    public static readonly string[] AggregateNames = ["count", "sum", "min", "max", "avg", "array_agg"];

    private const string ScalarFunctions = "COALESCE, NULLIF, UPPER, LOWER, LENGTH, ABS, CONCAT, STRPOS, CARDINALITY";

    public static bool IsAggregate(Expr e) => e is FunctionCall f && AggregateNames.Contains(f.Name);

    private Compiled CompileFunction(FunctionCall f)
    {
        if (IsAggregate(f))
            throw f.Pos.Error($"{f.Name.ToUpperInvariant()} is an aggregate: it is allowed in the SELECT list of a query with GROUP BY (or over a whole table), not here.");
        if (f.Star || f.Distinct || f.OrderBy.Count > 0) throw f.Pos.Error($"{f.Name}(...) takes plain arguments.");
        var args = f.Args.Select(Compile).ToArray();
        switch (f.Name)
        {
            case "coalesce":
                if (args.Length == 0) throw f.Pos.Error("COALESCE needs at least one argument.");
                return new Compiled(r =>
                {
                    foreach (var a in args) if (a.Eval(r) is { } v) return v;
                    return null;
                }, args.Select(a => a.Type).FirstOrDefault(t => t != SqlType.Unknown, SqlType.Unknown));
            case "nullif":
                Arity(f, 2);
                return new Compiled(r =>
                {
                    var a = args[0].Eval(r);
                    var b = args[1].Eval(r);
                    return a is not null && b is not null && SqlValues.Compare(a, b) == 0 ? null : a;
                }, args[0].Type);
            case "upper" or "lower":
                Arity(f, 1);
                bool upper = f.Name == "upper";
                return new Compiled(r => args[0].Eval(r) is { } v ? upper ? Text(v).ToUpperInvariant() : Text(v).ToLowerInvariant() : null, SqlType.Text);
            case "length" or "char_length":
                Arity(f, 1);
                return new Compiled(r => args[0].Eval(r) is { } v ? (long)Text(v).Length : null, SqlType.BigInt);
            case "abs":
                Arity(f, 1);
                return new Compiled(r => args[0].Eval(r) switch { long l => Math.Abs(l), double d => Math.Abs(d), decimal m => Math.Abs(m), _ => null }, args[0].Type);
            case "strpos":
                Arity(f, 2);
                // PostgreSQL: 1-based position of the substring, 0 when absent.
                return new Compiled(r => args[0].Eval(r) is { } str && args[1].Eval(r) is { } sub
                    ? (long)(Text(str).IndexOf(Text(sub), StringComparison.Ordinal) + 1) : null, SqlType.BigInt);
            case "cardinality":
                Arity(f, 1);
                if (args[0].Type is not (SqlType.Array or SqlType.Unknown)) throw f.Args[0].Pos.Error($"CARDINALITY takes an array, this is {SqlTypes.Name(args[0].Type)}.");
                return new Compiled(r => args[0].Eval(r) is SqlArray a ? (long)a.Count : null, SqlType.BigInt);
            case "concat":
                return new Compiled(r => string.Concat(args.Select(a => a.Eval(r) is { } v ? Text(v) : "")), SqlType.Text);
            default:
                throw f.Pos.Error($"unknown function {f.Name}; supported: {ScalarFunctions}, and the aggregates COUNT, SUM, MIN, MAX, AVG, array_agg.");
        }
    }

    private static void Arity(FunctionCall f, int n)
    {
        if (f.Args.Count != n) throw f.Pos.Error($"{f.Name.ToUpperInvariant()} takes {n} argument{(n == 1 ? "" : "s")}, got {f.Args.Count}.");
    }

    private Compiled CompileIn(InList il)
    {
        var v = Compile(il.Value);
        var items = il.Items.Select(Compile).ToArray();
        foreach (var (item, c) in il.Items.Zip(items)) RequireComparable(item, v.Type, c.Type);
        return new Compiled(r =>
        {
            var x = v.Eval(r);
            if (x is null) return null;
            bool sawNull = false;
            foreach (var i in items)
            {
                var y = i.Eval(r);
                if (y is null) sawNull = true;
                else if (SqlValues.Compare(x, y) == 0) return !il.Negated;
            }
            return sawNull ? null : il.Negated;
        }, SqlType.Boolean);
    }

    /// <summary>
    /// <c>x op ANY(array)</c> / <c>x op ALL(array)</c> with PostgreSQL's three-valued result: ANY is TRUE when some
    /// comparison is TRUE, FALSE when all are FALSE (or the array is empty), else NULL; ALL is the dual. A NULL array gives NULL.
    /// </summary>
    private Compiled CompileQuantified(Quantified q)
    {
        var v = Compile(q.Value);
        var a = Compile(q.Array);
        string quantifier = q.All ? "ALL" : "ANY";
        if (a.Type is not (SqlType.Array or SqlType.Unknown))
            throw q.Array.Pos.Error($"{quantifier}(...) takes an array (an ARRAY column or array_agg(...)), this is {SqlTypes.Name(a.Type)}; for a list of values write IN (a, b, ...).");
        RequireComparable(q, v.Type, a.Element);
        return new Compiled(r =>
        {
            if (a.Eval(r) is not SqlArray items) return null;
            var x = v.Eval(r);
            bool sawNull = false;
            foreach (var y in items)
            {
                if (x is null || y is null) { sawNull = true; continue; }
                bool holds = Holds(q.Op, SqlValues.Compare(x, y));
                if (holds != q.All) return holds; // ANY: one TRUE decides; ALL: one FALSE decides
            }
            return sawNull ? null : q.All;
        }, SqlType.Boolean);
    }

    private Compiled CompileLike(Like lk)
    {
        var v = Compile(lk.Value);
        if (lk.Pattern is not Literal { Value: string pattern }) throw lk.Pattern.Pos.Error("LIKE takes a 'literal pattern'.");
        var regex = new Regex("^" + Regex.Escape(pattern).Replace("%", ".*").Replace("_", ".") + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        return new Compiled(r => v.Eval(r) is { } x ? regex.IsMatch(Text(x)) != lk.Negated : null, SqlType.Boolean);
    }

    private Compiled CompileCase(Case cs)
    {
        var operand = cs.Operand is null ? null : Compile(cs.Operand);
        var whens = cs.Whens.Select(w => (When: operand is null ? Boolean(w.When, "CASE WHEN") : Compile(w.When), Then: Compile(w.Then))).ToArray();
        var otherwise = cs.Else is null ? null : Compile(cs.Else);
        var type = whens.Select(w => w.Then.Type).Append(otherwise?.Type ?? SqlType.Unknown).FirstOrDefault(t => t != SqlType.Unknown, SqlType.Unknown);
        return new Compiled(r =>
        {
            var o = operand?.Eval(r);
            foreach (var (when, then) in whens)
            {
                var w = when.Eval(r);
                bool hit = operand is null ? w is true : o is not null && w is not null && SqlValues.Compare(o, w) == 0;
                if (hit) return then.Eval(r);
            }
            return otherwise?.Eval(r);
        }, type);
    }

    private Compiled CompileCast(Cast ct)
    {
        var v = Compile(ct.Value);
        var type = ct.Type;
        return new Compiled(r => v.Eval(r) is { } x ? Convert(x, type, ct.Pos) : null, type);
    }

    internal static object Convert(object x, SqlType type, Pos at)
    {
        try
        {
            return type switch
            {
                SqlType.Text => Text(x),
                SqlType.BigInt or SqlType.Timestamp => x switch
                {
                    long l => l,
                    double d => checked((long)Math.Round(d)),
                    decimal m => (long)Math.Round(m),
                    string s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw new FormatException(),
                },
                SqlType.Double => x is string s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : SqlValues.ToDouble(x),
                SqlType.Decimal => x is string s ? decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : SqlValues.ToDecimal(x),
                SqlType.Boolean => x is bool b ? b : x is string s ? bool.Parse(s) : throw new FormatException(),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw new SqlEvaluationException($"cannot CAST {SqlJson.WriteValue(x)} to {SqlTypes.Name(type)} (line {at.Line}, column {at.Column}).");
        }
    }
}
