using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>A column of a relation: the alias of the input it came from, its name and type (and an ARRAY's element type).</summary>
internal sealed record Column(string? Qualifier, string Name, SqlType Type, SqlType Element = SqlType.Unknown);

/// <summary>
/// The columns of a relation, in row order. Rows inside a topology are positional: an expression is bound
/// to a column position once, at compile time, and reads <c>row[i]</c> at run time.
/// </summary>
internal sealed class Schema(IReadOnlyList<Column> columns)
{
    public IReadOnlyList<Column> Columns { get; } = columns;

    public string[] Names { get; } = columns.Select(c => c.Name).ToArray();

    public int Count => Columns.Count;

    public Schema Concat(Schema other) => new([.. Columns, .. other.Columns]);

    public Schema Requalify(string alias) => new(Columns.Select(c => c with { Qualifier = alias }).ToList());

    public bool HasQualifier(string q) => Columns.Any(c => string.Equals(c.Qualifier, q, StringComparison.Ordinal));

    /// <summary>The position of a column reference, or an error naming what exists.</summary>
    public int Resolve(ColumnRef r)
    {
        var matches = new List<int>();
        for (int i = 0; i < Columns.Count; i++)
            if (Columns[i].Name == r.Name && (r.Qualifier is null || Columns[i].Qualifier == r.Qualifier)) matches.Add(i);
        if (matches.Count == 1) return matches[0];
        if (matches.Count > 1)
            throw r.Pos.Error($"column {r} is ambiguous (it is in {string.Join(" and ", matches.Select(i => Columns[i].Qualifier))}); qualify it as table.{r.Name}.");
        if (r.Qualifier is not null && !HasQualifier(r.Qualifier))
            throw r.Pos.Error($"unknown table or alias {r.Qualifier} (in scope: {string.Join(", ", Columns.Select(c => c.Qualifier).Distinct())}).");
        throw r.Pos.Error($"unknown column {r} (columns: {string.Join(", ", Columns.Select(c => c.Qualifier is null ? c.Name : $"{c.Qualifier}.{c.Name}"))}).");
    }

    public int[] IndicesOf(string qualifier) =>
        Enumerable.Range(0, Columns.Count).Where(i => Columns[i].Qualifier == qualifier).ToArray();

    public SqlRow Row(object?[] values) => SqlRow.Unchecked(Names, values);
}

/// <summary>Keys inside a topology: the key columns' values under fixed names, so keys built by different relations from equal values are equal in bytes too.</summary>
internal static class Keys
{
    private static readonly string[][] NameSets = Enumerable.Range(0, 16).Select(n => Enumerable.Range(0, n).Select(i => "k" + i).ToArray()).ToArray();

    public static string[] Names(int n) => n < NameSets.Length ? NameSets[n] : Enumerable.Range(0, n).Select(i => "k" + i).ToArray();

    public static SqlRow Make(params object?[] values) => SqlRow.Unchecked(Names(values.Length), values);

    public static SqlRow Of(SqlRow row, int[] positions)
    {
        var values = new object?[positions.Length];
        for (int i = 0; i < positions.Length; i++) values[i] = row[positions[i]];
        return Make(values);
    }

    public static SqlRow Concat(SqlRow a, SqlRow b) => Make([.. a.Values, .. b.Values]);
}
