namespace Braid.Sql;

/// <summary>
/// The rules every SQL value follows: which CLR types are values, equality, hashing and ordering.
/// Numbers of different CLR types compare by value (1 = 1.0); nulls sort first; otherwise values of
/// different kinds order by kind (boolean, number, text, row, array) so sorting never throws.
/// </summary>
internal static class SqlValues
{
    public static void CheckSupported(object? v)
    {
        if (v is null or bool or long or double or decimal or string or SqlRow or SqlArray) return;
        throw new ArgumentException($"{v.GetType().Name} is not a SQL value (use bool, long, double, decimal, string, SqlRow or SqlArray).");
    }

    public static bool IsNumber(object? v) => v is long or double or decimal;

    public static bool StructurallyEqual(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return CompareNumbers(a, b) == 0;
        return a.Equals(b);
    }

    /// <summary>Equality of two sequences of values (a row's values, an array's items): same length, equal value by value.</summary>
    public static bool SequenceEqual(object?[] a, object?[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!StructurallyEqual(a[i], b[i])) return false;
        return true;
    }

    /// <summary>A hash of a sequence of values that agrees with <see cref="SequenceEqual"/>.</summary>
    public static int SequenceHash(object?[] values)
    {
        var h = new HashCode();
        foreach (var v in values) h.Add(Hash(v));
        return h.ToHashCode();
    }

    public static int Hash(object? v) => v switch
    {
        null => 0,
        long l => ((double)l).GetHashCode(),
        decimal m => ((double)m).GetHashCode(),
        double d => d.GetHashCode(),
        string s => StringComparer.Ordinal.GetHashCode(s),
        _ => v.GetHashCode(),
    };

    /// <summary>Total order used by ORDER BY, MIN/MAX and row comparison.</summary>
    public static int Compare(object? a, object? b)
    {
        int ka = Kind(a), kb = Kind(b);
        if (ka != kb) return ka.CompareTo(kb);
        return a switch
        {
            null => 0,
            bool x => x.CompareTo((bool)b!),
            string s => string.CompareOrdinal(s, (string)b!),
            SqlRow r => r.CompareTo((SqlRow)b!),
            SqlArray arr => CompareArrays(arr, (SqlArray)b!),
            _ => CompareNumbers(a, b!),
        };
    }

    public static int CompareNumbers(object a, object b)
    {
        if (a is long x && b is long y) return x.CompareTo(y);
        if (a is double || b is double) return ToDouble(a).CompareTo(ToDouble(b));
        return ToDecimal(a).CompareTo(ToDecimal(b));
    }

    public static double ToDouble(object v) => v switch { long l => l, decimal m => (double)m, double d => d, _ => throw new InvalidCastException() };

    public static decimal ToDecimal(object v) => v switch { long l => l, decimal m => m, double d => (decimal)d, _ => throw new InvalidCastException() };

    private static int Kind(object? v) => v switch
    {
        null => 0,
        bool => 1,
        long or double or decimal => 2,
        string => 3,
        SqlRow => 4,
        _ => 5,
    };

    private static int CompareArrays(SqlArray a, SqlArray b)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            int c = Compare(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }
}
