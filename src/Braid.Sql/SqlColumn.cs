namespace Braid.Sql;

/// <summary>A column of a source or a view.</summary>
/// <param name="Name">The column name (as written, lower-cased unless quoted).</param>
/// <param name="Type">The column type.</param>
public sealed record SqlColumn(string Name, SqlType Type)
{
    /// <summary>For an ARRAY column, the type of its elements (Unknown when not declared, as for <c>array_agg</c> of NULLs).</summary>
    internal SqlType Element { get; init; } = SqlType.Unknown;
}
