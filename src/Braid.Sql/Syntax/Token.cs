namespace Braid.Sql.Syntax;

internal enum TokenKind { Word, QuotedIdent, Number, String, Symbol, End }

/// <summary>A position in the SQL text (1-based line and column).</summary>
internal readonly record struct Pos(int Line, int Column)
{
    public SqlException Error(string problem) => new(problem, Line, Column);
}

internal sealed record Token(TokenKind Kind, string Text, Pos Pos)
{
    /// <summary>True for an unquoted word equal to <paramref name="keyword"/> (case-insensitive).</summary>
    public bool Is(string keyword) => Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string s) => Kind == TokenKind.Symbol && Text == s;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the text",
        TokenKind.String => $"'{Text}'",
        TokenKind.QuotedIdent => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}
