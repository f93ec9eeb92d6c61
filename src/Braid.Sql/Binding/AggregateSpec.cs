using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// One aggregate call of a SELECT list, and how it is computed from a group's members. A member is the
/// row of values a group keeps per input row: each aggregate's argument followed by its ORDER BY values.
/// Computing from the members (rather than folding a running value) is what makes MIN, MAX and array_agg
/// right under retraction: when a row leaves, the aggregate is recomputed from the rows that remain.
/// </summary>
internal sealed class AggregateSpec
{
    public required FunctionCall Call { get; init; }

    public required string Kind { get; init; }

    /// <summary>The argument (null for COUNT(*)).</summary>
    public Compiled? Argument { get; init; }

    public required IReadOnlyList<(Compiled Value, bool Descending)> Order { get; init; }

    /// <summary>Position of the argument in the member row.</summary>
    public int Offset { get; set; }

    public SqlType ResultType => Kind switch
    {
        "count" => SqlType.BigInt,
        "array_agg" => SqlType.Array,
        "avg" => Argument!.Type == SqlType.Decimal ? SqlType.Decimal : SqlType.Double,
        _ => Argument!.Type,
    };

    /// <summary>For array_agg, the type of the elements (the argument's type).</summary>
    public SqlType ElementType => Kind == "array_agg" ? Argument!.Type : SqlType.Unknown;

    /// <summary>COUNT(DISTINCT x) and friends: computed over the distinct values of x (NULLs ignored except by array_agg).</summary>
    public bool Distinct { get; init; }

    public int Width => (Argument is null ? 0 : 1) + Order.Count;

    public static AggregateSpec Create(FunctionCall f, ExprCompiler compiler)
    {
        foreach (var a in f.Args)
            if (QueryBinder.ContainsAggregate(a)) throw a.Pos.Error("aggregates cannot be nested.");
        if (f.OrderBy.Count > 0 && f.Name != "array_agg") throw f.OrderBy[0].Pos.Error($"ORDER BY inside an aggregate is only meaningful for array_agg, not {f.Name.ToUpperInvariant()}.");
        if (f.Star && f.Name != "count") throw f.Pos.Error($"{f.Name.ToUpperInvariant()}(*) is not valid; only COUNT(*) takes *.");
        if (!f.Star && f.Args.Count != 1) throw f.Pos.Error($"{f.Name.ToUpperInvariant()} takes one argument, got {f.Args.Count}.");
        var arg = f.Star ? null : compiler.Compile(f.Args[0]);
        // PostgreSQL: with DISTINCT, ORDER BY may only sort by the argument itself.
        if (f.Distinct && f.OrderBy.Any(o => !SameExpr(o.Expr, f.Args[0])))
            throw f.OrderBy.First(o => !SameExpr(o.Expr, f.Args[0])).Pos.Error("in an aggregate with DISTINCT, ORDER BY can only sort by the argument (array_agg(DISTINCT x ORDER BY x)).");
        if (f.Name is "sum" or "avg" && arg is not null && !SqlTypes.IsNumeric(arg.Type) && arg.Type != SqlType.Unknown)
            throw f.Args[0].Pos.Error($"{f.Name.ToUpperInvariant()} needs a number, this is {SqlTypes.Name(arg.Type)}.");
        if (f.Name is "min" or "max" && arg is not null && arg.Type is SqlType.Row or SqlType.Array)
            throw f.Args[0].Pos.Error($"{f.Name.ToUpperInvariant()} needs a scalar value.");
        return new AggregateSpec
        {
            Call = f, Kind = f.Name, Argument = arg, Distinct = f.Distinct,
            Order = f.OrderBy.Select(o => (compiler.Compile(o.Expr), o.Descending)).ToList(),
        };
    }

    public void Fill(SqlRow row, object?[] member)
    {
        int i = Offset;
        if (Argument is not null) member[i++] = Argument.Eval(row);
        foreach (var (value, _) in Order) member[i++] = value.Eval(row);
    }

    private static bool SameExpr(Expr a, Expr b) => GroupPlan.Text(a) == GroupPlan.Text(b);

    public object? Compute(IReadOnlyList<SqlRow> members)
    {
        int at = Offset;
        if (Distinct) members = DistinctMembers(members, at);
        switch (Kind)
        {
            case "count":
                return Argument is null ? members.Count : (long)members.Count(m => m[at] is not null);
            case "sum":
            {
                object? sum = null;
                foreach (var m in members)
                    if (m[at] is { } v) sum = sum is null ? v : Arithmetic.Apply("+", sum, v, Call.Pos);
                return sum;
            }
            case "avg":
            {
                var values = members.Select(m => m[at]).Where(v => v is not null).ToList();
                if (values.Count == 0) return null;
                if (Argument!.Type == SqlType.Decimal) return values.Sum(v => SqlValues.ToDecimal(v!)) / values.Count;
                return values.Sum(v => SqlValues.ToDouble(v!)) / values.Count;
            }
            case "min" or "max":
            {
                object? best = null;
                bool max = Kind == "max";
                foreach (var m in members)
                    if (m[at] is { } v && (best is null || (max ? SqlValues.Compare(v, best) > 0 : SqlValues.Compare(v, best) < 0))) best = v;
                return best;
            }
            default:
            {
                var sorted = members.ToList();
                sorted.Sort(CompareForArray);
                return new SqlArray(sorted.Select(m => m[at]));
            }
        }
    }

    /// <summary>One member per distinct argument value (the first in member order, so the result does not depend on arrival order).</summary>
    private static List<SqlRow> DistinctMembers(IReadOnlyList<SqlRow> members, int at)
    {
        var sorted = members.OrderBy(m => m[at], Comparer<object?>.Create(SqlValues.Compare)).ThenBy(m => m).ToList();
        var distinct = new List<SqlRow>();
        foreach (var m in sorted)
            if (distinct.Count == 0 || SqlValues.Compare(distinct[^1][at], m[at]) != 0) distinct.Add(m);
        return distinct;
    }

    /// <summary>ORDER BY terms (PostgreSQL: nulls last ascending, first descending), ties broken by the whole member so the order is the same on every host.</summary>
    private int CompareForArray(SqlRow a, SqlRow b)
    {
        for (int i = 0; i < Order.Count; i++)
        {
            object? x = a[Offset + 1 + i], y = b[Offset + 1 + i];
            int c = x is null || y is null ? (x is null ? 1 : 0) - (y is null ? 1 : 0) : SqlValues.Compare(x, y);
            if (c != 0) return Order[i].Descending ? -c : c;
        }
        return a.CompareTo(b);
    }
}
