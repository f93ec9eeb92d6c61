namespace Braid.Sql;

/// <summary>
/// A SQL text that Braid cannot run: a syntax error, an unknown name, a type error or a construct Braid
/// does not support. <see cref="Line"/> and <see cref="Column"/> (1-based) point at the offending token;
/// the message says what is supported instead.
/// </summary>
/// <param name="problem">What is wrong, and what to write instead.</param>
/// <param name="line">1-based line of the offending token.</param>
/// <param name="column">1-based column of the offending token.</param>
public sealed class SqlException(string problem, int line, int column)
    : Exception($"line {line}, column {column}: {problem}")
{
    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; } = problem;

    /// <summary>1-based line of the offending token.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the offending token.</summary>
    public int Column { get; } = column;
}
