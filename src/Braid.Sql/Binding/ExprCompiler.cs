using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>A compiled expression: evaluation over a positional row, its static type, and an ARRAY's element type.</summary>
internal sealed record Compiled(Func<SqlRow, object?> Eval, SqlType Type, SqlType Element = SqlType.Unknown);

/// <summary>
/// Compiles expressions to closures over positional rows, checking names and types at compile time so a
/// mistake is a <see cref="SqlException"/> at its position, not a wrong value at run time. Semantics follow
/// PostgreSQL: three-valued logic (NULL propagates; AND/OR short-circuit on FALSE/TRUE), integer division
/// for BIGINT / BIGINT, numeric promotion BIGINT → DECIMAL → DOUBLE.
/// </summary>
internal sealed partial class ExprCompiler(Schema schema, Func<Expr, Compiled?>? hook = null)
{
    public Schema Schema => schema;

    public Compiled Compile(Expr e)
    {
        if (hook?.Invoke(e) is { } hooked) return hooked;
        switch (e)
        {
            case Literal l: return new Compiled(_ => l.Value, TypeOfValue(l.Value));
            case IntervalLiteral i: return new Compiled(_ => i.Millis, SqlType.BigInt);
            case ColumnRef c:
                int at = schema.Resolve(c);
                return new Compiled(r => r[at], schema.Columns[at].Type, schema.Columns[at].Element);
            case StarRef s: return CompileStar(s);
            case Unary u: return CompileUnary(u);
            case Binary b: return CompileBinary(b);
            case IsNull n:
                var v = Compile(n.Value);
                return new Compiled(r => (v.Eval(r) is null) != n.Negated, SqlType.Boolean);
            case Between bt:
                return Compile(new Binary(bt.Pos, bt.Negated ? "OR" : "AND",
                    new Binary(bt.Pos, bt.Negated ? "<" : ">=", bt.Value, bt.Low), new Binary(bt.Pos, bt.Negated ? ">" : "<=", bt.Value, bt.High)));
            case InList il: return CompileIn(il);
            case Like lk: return CompileLike(lk);
            case Quantified q: return CompileQuantified(q);
            case Case cs: return CompileCase(cs);
            case Cast ct: return CompileCast(ct);
            case FunctionCall f: return CompileFunction(f);
            case Subscript sub: return CompileSubscript(sub);
            case JsonGet j: return CompileJsonGet(j);
            default: throw e.Pos.Error("unsupported expression.");
        }
    }

    /// <summary><c>t.*</c> as a value: a nested row of that input's columns (what array_agg(t.*) collects).</summary>
    private Compiled CompileStar(StarRef s)
    {
        if (s.Qualifier is null) throw s.Pos.Error("* is only allowed as COUNT(*) or as the whole SELECT list (SELECT * FROM view in a pull query); name the columns, or write table.*.");
        var idx = schema.IndicesOf(s.Qualifier);
        if (idx.Length == 0) throw s.Pos.Error($"unknown table or alias {s.Qualifier} in {s.Qualifier}.*.");
        string[] names = idx.Select(i => schema.Columns[i].Name).ToArray();
        return new Compiled(r =>
        {
            var values = new object?[idx.Length];
            bool allNull = true;
            for (int i = 0; i < idx.Length; i++) { values[i] = r[idx[i]]; allNull &= values[i] is null; }
            // The missing side of an outer join is NULL, not a row of NULLs (PostgreSQL's t.* on a null-extended row).
            return allNull ? null : SqlRow.Unchecked(names, values);
        }, SqlType.Row);
    }

    private Compiled CompileSubscript(Subscript sub)
    {
        var array = Compile(sub.Array);
        var index = Compile(sub.Index);
        if (array.Type is not (SqlType.Array or SqlType.Unknown)) throw sub.Pos.Error($"[n] takes an element of an array (array_agg(...)), this is {SqlTypes.Name(array.Type)}.");
        if (index.Type is not (SqlType.BigInt or SqlType.Unknown)) throw sub.Index.Pos.Error("an array index is a BIGINT (1-based).");
        // PostgreSQL: 1-based; out of range or NULL index gives NULL.
        return new Compiled(r => array.Eval(r) is SqlArray a && index.Eval(r) is long i && i >= 1 && i <= a.Count ? a[(int)(i - 1)] : null, array.Element);
    }

    /// <summary>
    /// PostgreSQL's <c>-&gt;</c> / <c>-&gt;&gt;</c>: a field of a JSON object by name, an element of a JSON array by
    /// 0-based index (negative counts from the end); NULL when absent or the value has no such part. <c>-&gt;</c> gives
    /// JSON, <c>-&gt;&gt;</c> TEXT (a JSON string's text, other values as JSON text).
    /// </summary>
    private Compiled CompileJsonGet(JsonGet j)
    {
        var value = Compile(j.Value);
        var path = Compile(j.Path);
        string op = j.AsText ? "->>" : "->";
        if (value.Type is not (SqlType.Json or SqlType.Row or SqlType.Array or SqlType.Unknown))
            throw j.Pos.Error($"{op} reads a JSON value (a JSON column, or a part of one), this is {SqlTypes.Name(value.Type)}.");
        if (path.Type is not (SqlType.Text or SqlType.BigInt or SqlType.Unknown))
            throw j.Path.Pos.Error($"{op} takes a field name ('name') or an array index (0-based BIGINT).");
        bool asText = j.AsText;
        return new Compiled(r =>
        {
            object? part = (value.Eval(r), path.Eval(r)) switch
            {
                (SqlRow o, string name) => o.Names.Contains(name) ? o[name] : null,
                (SqlArray a, long i) when (i < 0 ? -i <= a.Count : i < a.Count) => a[(int)(i < 0 ? a.Count + i : i)],
                _ => null,
            };
            return asText && part is not null and not string ? SqlJson.WriteValue(part) : part;
        }, asText ? SqlType.Text : SqlType.Json);
    }

    public Compiled Boolean(Expr e, string clause)
    {
        var c = Compile(e);
        if (c.Type is not (SqlType.Boolean or SqlType.Unknown)) throw e.Pos.Error($"{clause} needs a boolean condition, this is {SqlTypes.Name(c.Type)}.");
        return c;
    }

    private Compiled CompileUnary(Unary u)
    {
        var v = Compile(u.Operand);
        if (u.Op == "NOT")
        {
            if (v.Type is not (SqlType.Boolean or SqlType.Unknown)) throw u.Pos.Error($"NOT needs a boolean, got {SqlTypes.Name(v.Type)}.");
            return new Compiled(r => v.Eval(r) is bool b ? !b : null, SqlType.Boolean);
        }
        if (!SqlTypes.IsNumeric(v.Type) && v.Type != SqlType.Unknown) throw u.Pos.Error($"unary minus needs a number, got {SqlTypes.Name(v.Type)}.");
        return new Compiled(r => v.Eval(r) switch { long l => checked(-l), double d => -d, decimal m => -m, _ => null }, v.Type);
    }

    private Compiled CompileBinary(Binary b)
    {
        var l = Compile(b.Left);
        var r = Compile(b.Right);
        switch (b.Op)
        {
            case "AND":
                RequireBool(b, l, r);
                return new Compiled(row =>
                {
                    var x = l.Eval(row);
                    if (x is false) return false;
                    var y = r.Eval(row);
                    return y is false ? false : x is null || y is null ? null : true;
                }, SqlType.Boolean);
            case "OR":
                RequireBool(b, l, r);
                return new Compiled(row =>
                {
                    var x = l.Eval(row);
                    if (x is true) return true;
                    var y = r.Eval(row);
                    return y is true ? true : x is null || y is null ? null : false;
                }, SqlType.Boolean);
            case "=" or "<>" or "<" or "<=" or ">" or ">=":
                RequireComparable(b, l.Type, r.Type);
                string op = b.Op;
                return new Compiled(row =>
                {
                    var x = l.Eval(row);
                    var y = r.Eval(row);
                    if (x is null || y is null) return null;
                    return Holds(op, SqlValues.Compare(x, y));
                }, SqlType.Boolean);
            case "||":
                return new Compiled(row =>
                {
                    var x = l.Eval(row);
                    var y = r.Eval(row);
                    return x is null || y is null ? null : Text(x) + Text(y);
                }, SqlType.Text);
            default:
                return Arithmetic.Compile(b, l, r);
        }
    }

    internal static bool Holds(string op, int c) => op switch { "=" => c == 0, "<>" => c != 0, "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };

    private static void RequireBool(Binary b, Compiled l, Compiled r)
    {
        foreach (var (side, c) in new[] { (b.Left, l), (b.Right, r) })
            if (c.Type is not (SqlType.Boolean or SqlType.Unknown)) throw side.Pos.Error($"{b.Op} needs boolean operands, this is {SqlTypes.Name(c.Type)}.");
    }

    internal static void RequireComparable(Expr at, SqlType a, SqlType b)
    {
        if (a == SqlType.Unknown || b == SqlType.Unknown || a == b) return;
        if (SqlTypes.IsNumeric(a) && SqlTypes.IsNumeric(b)) return;
        throw at.Pos.Error($"cannot compare {SqlTypes.Name(a)} with {SqlTypes.Name(b)}; CAST one side (CAST(x AS {SqlTypes.Name(a)})).");
    }

    internal static string Text(object v) => v switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => SqlJson.WriteValue(v),
    };

    internal static SqlType TypeOfValue(object? v) => v switch
    {
        null => SqlType.Unknown,
        bool => SqlType.Boolean,
        long => SqlType.BigInt,
        double => SqlType.Double,
        decimal => SqlType.Decimal,
        string => SqlType.Text,
        SqlRow => SqlType.Row,
        _ => SqlType.Array,
    };
}
