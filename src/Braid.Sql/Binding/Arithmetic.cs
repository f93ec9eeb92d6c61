using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>+ - * / % with PostgreSQL's numeric promotion; TIMESTAMP ± BIGINT (an INTERVAL in milliseconds) stays a TIMESTAMP.</summary>
internal static class Arithmetic
{
    public static Compiled Compile(Binary b, Compiled l, Compiled r)
    {
        foreach (var (side, c) in new[] { (b.Left, l), (b.Right, r) })
            if (!SqlTypes.IsNumeric(c.Type) && c.Type != SqlType.Unknown)
                throw side.Pos.Error($"'{b.Op}' needs numbers, this is {SqlTypes.Name(c.Type)}{(c.Type == SqlType.Text && b.Op == "+" ? " (concatenate text with ||)" : "")}.");
        var type = ResultType(l.Type, r.Type, b.Op);
        string op = b.Op;
        return new Compiled(row =>
        {
            var x = l.Eval(row);
            var y = r.Eval(row);
            if (x is null || y is null) return null;
            return Apply(op, x, y, b.Pos);
        }, type);
    }

    private static SqlType ResultType(SqlType a, SqlType b, string op)
    {
        if (a == SqlType.Timestamp && b != SqlType.Timestamp && op is "+" or "-") return SqlType.Timestamp;
        if (b == SqlType.Timestamp && a != SqlType.Timestamp && op == "+") return SqlType.Timestamp;
        if (a == SqlType.Double || b == SqlType.Double) return SqlType.Double;
        if (a == SqlType.Decimal || b == SqlType.Decimal) return SqlType.Decimal;
        return a == SqlType.Unknown && b == SqlType.Unknown ? SqlType.Unknown : SqlType.BigInt;
    }

    public static object? Apply(string op, object x, object y, Pos at)
    {
        if (x is double || y is double)
        {
            double a = SqlValues.ToDouble(x), b = SqlValues.ToDouble(y);
            return op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => b == 0 ? throw DivisionByZero(at) : a / b, _ => b == 0 ? throw DivisionByZero(at) : a % b };
        }
        if (x is decimal || y is decimal)
        {
            decimal a = SqlValues.ToDecimal(x), b = SqlValues.ToDecimal(y);
            return op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => b == 0 ? throw DivisionByZero(at) : a / b, _ => b == 0 ? throw DivisionByZero(at) : a % b };
        }
        long p = (long)x, q = (long)y;
        return op switch
        {
            "+" => checked(p + q),
            "-" => checked(p - q),
            "*" => checked(p * q),
            "/" => q == 0 ? throw DivisionByZero(at) : p / q,
            _ => q == 0 ? throw DivisionByZero(at) : p % q,
        };
    }

    private static SqlEvaluationException DivisionByZero(Pos at) => new($"division by zero (line {at.Line}, column {at.Column}).");
}
