namespace Braid.Sql.Syntax;

/// <summary>Words that cannot be unquoted names (they would make the grammar ambiguous). Type names such as
/// <c>timestamp</c> or <c>text</c> are not reserved, so the study note's <c>tweets.timestamp</c> parses.</summary>
internal static class Keywords
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "group", "by", "having", "order", "limit", "join", "left", "right", "full", "inner", "outer",
        "cross", "on", "using", "as", "and", "or", "not", "union", "intersect", "except", "create", "insert", "into", "with",
        "case", "when", "then", "else", "end", "is", "null", "in", "between", "like", "distinct", "emit", "for", "grace",
        "true", "false", "interval", "primary", "table", "natural", "lateral", "window", "offset", "fetch",
    };

    public static bool IsReserved(string word) => Reserved.Contains(word);
}
