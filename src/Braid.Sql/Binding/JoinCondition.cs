using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>One <c>left = right</c> term of an ON condition, each side compiled against its own input.</summary>
internal sealed record EquiPair(Expr LeftExpr, Compiled Left, Expr RightExpr, Compiled Right);

/// <summary>
/// An ON condition split into equality terms between the two inputs and, for stream–stream joins, one
/// BETWEEN time bound. Anything else is refused with what to write instead (a residual condition would change
/// which rows an outer join keeps, so it is not silently moved to WHERE).
/// </summary>
internal sealed class JoinCondition
{
    public List<EquiPair> Pairs { get; } = [];

    public Between? TimeBound { get; private set; }

    public static JoinCondition Split(Expr on, Schema left, Schema right)
    {
        var result = new JoinCondition();
        foreach (var term in Conjuncts(on))
        {
            if (term is Binary { Op: "=" } eq)
            {
                var ls = SideOf(eq.Left, left, right);
                var rs = SideOf(eq.Right, left, right);
                if (ls == Side.Left && rs == Side.Right) result.Add(eq.Left, eq.Right, left, right);
                else if (ls == Side.Right && rs == Side.Left) result.Add(eq.Right, eq.Left, left, right);
                else throw eq.Start.Error("each equality in ON must compare a column of one input with a column of the other (filters on one input belong in WHERE).");
                continue;
            }
            if (term is Between { Negated: false } b && result.TimeBound is null)
            {
                result.TimeBound = b;
                continue;
            }
            throw term.Start.Error("ON supports equalities between the two inputs joined by AND (a.k = b.k AND ...), plus for two streams one time bound b.ts BETWEEN a.ts - INTERVAL ... AND a.ts + INTERVAL ....");
        }
        if (result.Pairs.Count == 0) throw on.Start.Error("a join needs at least one equality between the inputs (a.k = b.k); cross joins are not supported.");
        return result;
    }

    private void Add(Expr l, Expr r, Schema left, Schema right)
    {
        var lc = new ExprCompiler(left).Compile(l);
        var rc = new ExprCompiler(right).Compile(r);
        ExprCompiler.RequireComparable(l, lc.Type, rc.Type);
        Pairs.Add(new EquiPair(l, lc, r, rc));
    }

    public static IEnumerable<Expr> Conjuncts(Expr e) =>
        e is Binary { Op: "AND" } a ? Conjuncts(a.Left).Concat(Conjuncts(a.Right)) : [e];

    public enum Side { None, Left, Right, Both }

    public static Side SideOf(Expr e, Schema left, Schema right)
    {
        var side = Side.None;
        foreach (var c in Columns(e))
        {
            bool inLeft = Resolves(left, c), inRight = Resolves(right, c);
            if (inLeft && inRight) throw c.Pos.Error($"column {c} is in both inputs; qualify it (table.{c.Name}).");
            if (!inLeft && !inRight) left.Concat(right).Resolve(c);
            var s = inLeft ? Side.Left : Side.Right;
            side = side == Side.None || side == s ? s : Side.Both;
        }
        return side;
    }

    private static bool Resolves(Schema s, ColumnRef c)
    {
        for (int i = 0; i < s.Count; i++)
            if (s.Columns[i].Name == c.Name && (c.Qualifier is null || s.Columns[i].Qualifier == c.Qualifier)) return true;
        return false;
    }

    public static IEnumerable<ColumnRef> Columns(Expr e) => e switch
    {
        ColumnRef c => [c],
        Binary b => Columns(b.Left).Concat(Columns(b.Right)),
        Unary u => Columns(u.Operand),
        FunctionCall f => f.Args.SelectMany(Columns),
        Cast c => Columns(c.Value),
        IsNull n => Columns(n.Value),
        Between bt => Columns(bt.Value).Concat(Columns(bt.Low)).Concat(Columns(bt.High)),
        Case cs => (cs.Operand is null ? [] : Columns(cs.Operand)).Concat(cs.Whens.SelectMany(w => Columns(w.When).Concat(Columns(w.Then))))
            .Concat(cs.Else is null ? [] : Columns(cs.Else)),
        InList il => Columns(il.Value).Concat(il.Items.SelectMany(Columns)),
        Like lk => Columns(lk.Value),
        Subscript sub => Columns(sub.Array).Concat(Columns(sub.Index)),
        _ => [],
    };

    /// <summary>The key a pair list produces from a row of one side, coerced to <paramref name="types"/> so equal values give equal key bytes; null when a part is NULL (NULL matches nothing).</summary>
    public static Func<SqlRow, SqlRow?> KeyFunction(IReadOnlyList<Compiled> parts, IReadOnlyList<SqlType> types)
    {
        var evals = parts.Select(p => p.Eval).ToArray();
        var targets = types.ToArray();
        return row =>
        {
            var values = new object?[evals.Length];
            for (int i = 0; i < evals.Length; i++)
            {
                var v = evals[i](row);
                if (v is null) return null;
                values[i] = Coerce(v, targets[i]);
            }
            return Keys.Make(values);
        };
    }

    public static object Coerce(object v, SqlType type) => type switch
    {
        SqlType.BigInt or SqlType.Timestamp when v is not long && SqlValues.IsNumber(v) && SqlValues.ToDecimal(v) is var m && decimal.Truncate(m) == m => (long)m,
        SqlType.Decimal when v is long or double => SqlValues.ToDecimal(v),
        SqlType.Double when v is long or decimal => SqlValues.ToDouble(v),
        _ => v,
    };

    /// <summary>The wider of two comparable types (the type both sides of an equality are keyed by).</summary>
    public static SqlType Common(SqlType a, SqlType b) =>
        a == b ? a : a == SqlType.Unknown ? b : b == SqlType.Unknown ? a
        : a == SqlType.Double || b == SqlType.Double ? SqlType.Double
        : a == SqlType.Decimal || b == SqlType.Decimal ? SqlType.Decimal : a;
}
