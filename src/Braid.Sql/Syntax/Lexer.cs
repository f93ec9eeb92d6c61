using System.Text;

namespace Braid.Sql.Syntax;

/// <summary>
/// Splits SQL text into tokens: words (keywords and identifiers alike — the parser decides by position, so a
/// column may be called <c>timestamp</c> as in the study note), "quoted identifiers", numbers, 'strings'
/// (with '' as an escaped quote), symbols; skips whitespace, <c>-- line</c> and <c>/* block */</c> comments.
/// </summary>
internal static class Lexer
{
    private static readonly string[] TwoCharSymbols = ["<=", ">=", "<>", "!=", "||", "::", "->"];

    public static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0;
        Pos PosAt(int at) => new(line, at - lineStart + 1);
        while (i < sql.Length)
        {
            char c = sql[i];
            if (c == '\n') { i++; line++; lineStart = i; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                continue;
            }
            if (c == '/' && At(sql, i + 1) == '*')
            {
                var start = PosAt(i);
                i += 2;
                while (i < sql.Length && !(sql[i] == '*' && At(sql, i + 1) == '/'))
                {
                    if (sql[i] == '\n') { line++; lineStart = i + 1; }
                    i++;
                }
                if (i >= sql.Length) throw start.Error("unterminated /* comment.");
                i += 2;
                continue;
            }
            var pos = PosAt(i);
            if (char.IsLetter(c) || c == '_')
            {
                int s = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$')) i++;
                tokens.Add(new Token(TokenKind.Word, sql[s..i], pos));
            }
            else if (char.IsDigit(c) || (c == '.' && char.IsDigit(At(sql, i + 1))))
            {
                int s = i;
                while (i < sql.Length && char.IsDigit(sql[i])) i++;
                if (At(sql, i) == '.' && char.IsDigit(At(sql, i + 1))) { i++; while (i < sql.Length && char.IsDigit(sql[i])) i++; }
                if (At(sql, i) is 'e' or 'E' && (char.IsDigit(At(sql, i + 1)) || (At(sql, i + 1) is '+' or '-' && char.IsDigit(At(sql, i + 2)))))
                {
                    i += 2;
                    while (i < sql.Length && char.IsDigit(sql[i])) i++;
                }
                tokens.Add(new Token(TokenKind.Number, sql[s..i], pos));
            }
            else if (c == '\'' || c == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= sql.Length) throw pos.Error(c == '\'' ? "unterminated string literal (strings are 'single-quoted'; write '' for a quote inside)." : "unterminated quoted identifier.");
                    if (sql[i] == c)
                    {
                        if (At(sql, i + 1) == c) { sb.Append(c); i += 2; continue; }
                        i++;
                        break;
                    }
                    if (sql[i] == '\n') { line++; lineStart = i + 1; }
                    sb.Append(sql[i++]);
                }
                tokens.Add(new Token(c == '\'' ? TokenKind.String : TokenKind.QuotedIdent, sb.ToString(), pos));
            }
            else
            {
                string two = i + 1 < sql.Length ? sql.Substring(i, 2) : "";
                if (two == "->" && At(sql, i + 2) == '>') { tokens.Add(new Token(TokenKind.Symbol, "->>", pos)); i += 3; }
                else if (TwoCharSymbols.Contains(two)) { tokens.Add(new Token(TokenKind.Symbol, two, pos)); i += 2; }
                else if ("=<>+-*/%(),.;[]".Contains(c)) { tokens.Add(new Token(TokenKind.Symbol, c.ToString(), pos)); i++; }
                else throw pos.Error($"unexpected character '{c}'.");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", PosAt(i)));
        return tokens;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';
}
