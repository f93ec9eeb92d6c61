namespace Braid.Sql.Syntax;

/// <summary>
/// Recursive-descent parser for Braid's SQL dialect (PostgreSQL expressions, Flink's streaming extensions).
/// Hand-written rather than Superpower/Pidgin/ANTLR because it is clearly smaller for this dialect: the
/// grammar is a handful of statements, and most of this file is the "what is supported instead" message for
/// each construct we refuse (RIGHT JOIN, HAVING, LIMIT, subqueries, …), which combinator libraries report
/// only as "unexpected token"; positions come straight from the lexer. An ANTLR grammar would add a
/// generated parser, a build step and a runtime dependency for the same ~500 lines.
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> _tokens;
    private int _at;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static List<Statement> Parse(string sql)
    {
        var p = new Parser(Lexer.Tokenize(sql));
        var statements = new List<Statement>();
        while (true)
        {
            while (p.Peek.IsSymbol(";")) p._at++;
            if (p.Peek.Kind == TokenKind.End) return statements;
            statements.Add(p.ParseStatement());
            if (!p.Peek.IsSymbol(";") && p.Peek.Kind != TokenKind.End)
                throw p.Peek.Pos.Error($"expected ';' or the end of the statement, found {p.Peek.Describe()}.");
        }
    }

    private Token Peek => _tokens[_at];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_at + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_at++];

    private bool Accept(string keyword)
    {
        if (!Peek.Is(keyword)) return false;
        _at++;
        return true;
    }

    private bool AcceptSymbol(string s)
    {
        if (!Peek.IsSymbol(s)) return false;
        _at++;
        return true;
    }

    private Token Expect(string keyword, string? context = null)
    {
        if (Peek.Is(keyword)) return Next();
        throw Peek.Pos.Error($"expected {keyword.ToUpperInvariant()}{(context is null ? "" : " " + context)}, found {Peek.Describe()}.");
    }

    private Token ExpectSymbol(string s, string? context = null)
    {
        if (Peek.IsSymbol(s)) return Next();
        throw Peek.Pos.Error($"expected '{s}'{(context is null ? "" : " " + context)}, found {Peek.Describe()}.");
    }

    private (string Name, Pos Pos) Identifier(string what)
    {
        var t = Peek;
        if (t.Kind == TokenKind.QuotedIdent || (t.Kind == TokenKind.Word && !Keywords.IsReserved(t.Text)))
        {
            _at++;
            return (t.Kind == TokenKind.QuotedIdent ? t.Text : t.Text.ToLowerInvariant(), t.Pos);
        }
        throw t.Pos.Error($"expected {what}, found {t.Describe()}{(t.Kind == TokenKind.Word ? " (a reserved word: write it \"quoted\" to use it as a name)" : "")}.");
    }

    private Statement ParseStatement()
    {
        var start = Peek;
        if (start.Is("create")) return ParseCreate();
        if (start.Is("insert"))
        {
            Next();
            Expect("into", "after INSERT");
            var (target, targetPos) = Identifier("the target stream's name");
            if (Peek.IsSymbol("(")) throw Peek.Pos.Error("INSERT INTO with a column list is not supported; name the columns in the SELECT list (SELECT a AS x, ...).");
            if (Peek.Is("values")) throw Peek.Pos.Error("INSERT ... VALUES is not supported: inputs come from topics (or --input files in the CLI); write INSERT INTO target SELECT ....");
            return new InsertInto(start.Pos, target, targetPos, ParseSelect());
        }
        if (start.Is("select")) return new SelectStatement(start.Pos, ParseSelect());
        if (start.Is("update") || start.Is("delete"))
            throw start.Pos.Error($"{start.Text.ToUpperInvariant()} is not supported: tables change through their input topics (a record updates a row, a null value deletes it).");
        if (start.Is("drop") || start.Is("alter"))
            throw start.Pos.Error($"{start.Text.ToUpperInvariant()} is not supported: a SQL program is compiled as a whole; edit the file and run it again.");
        throw start.Pos.Error($"expected CREATE TABLE, CREATE STREAM, CREATE MATERIALIZED VIEW, INSERT INTO or SELECT, found {start.Describe()}.");
    }

    private Statement ParseCreate()
    {
        var create = Next();
        if (Accept("or")) throw PeekAt(-1).Pos.Error("CREATE OR REPLACE is not supported: a SQL program is compiled as a whole.");
        if (Accept("materialized"))
        {
            Expect("view", "after CREATE MATERIALIZED");
            var (name, _) = Identifier("the view's name");
            var with = ParseWith();
            Expect("as", "before the view's SELECT");
            return new CreateView(create.Pos, name, IsStream: false, ParseSelect(), with);
        }
        if (Peek.Is("view"))
            throw Peek.Pos.Error("CREATE VIEW is not supported; write CREATE MATERIALIZED VIEW (a continuously maintained view) or CREATE STREAM ... AS SELECT.");
        bool isTable;
        if (Accept("table")) isTable = true;
        else if (Accept("stream")) isTable = false;
        else throw Peek.Pos.Error($"expected TABLE, STREAM or MATERIALIZED VIEW after CREATE, found {Peek.Describe()}.");
        if (Peek.Is("if")) throw Peek.Pos.Error("IF NOT EXISTS is not supported: a SQL program is compiled as a whole.");
        var (sourceName, _) = Identifier(isTable ? "the table's name" : "the stream's name");
        if (Peek.IsSymbol("("))
        {
            var (columns, key) = ParseColumns(isTable);
            var withOptions = ParseWith();
            if (Peek.Is("as")) throw Peek.Pos.Error("a source with a column list cannot also be AS SELECT; declare the source, then CREATE MATERIALIZED VIEW v AS SELECT ... FROM it.");
            return new CreateSource(create.Pos, sourceName, isTable, columns, key, withOptions);
        }
        var viewWith = ParseWith();
        Expect("as", $"or a column list after CREATE {(isTable ? "TABLE" : "STREAM")} {sourceName}");
        return new CreateView(create.Pos, sourceName, IsStream: !isTable, ParseSelect(), viewWith);
    }

    private (List<ColumnDef>, List<(string, Pos)>) ParseColumns(bool isTable)
    {
        ExpectSymbol("(");
        var columns = new List<ColumnDef>();
        var key = new List<(string, Pos)>();
        do
        {
            if (Peek.Is("primary"))
            {
                var at = Next().Pos;
                if (!isTable) throw at.Error(StreamKeyHint);
                Expect("key", "after PRIMARY");
                if (key.Count > 0) throw at.Error("a table has one PRIMARY KEY clause.");
                ExpectSymbol("(", "after PRIMARY KEY");
                do key.Add(Identifier("a key column")); while (AcceptSymbol(","));
                ExpectSymbol(")", "after the key columns");
                if (Peek.Is("not")) { Next(); Expect("enforced"); }
                continue;
            }
            var (name, pos) = Identifier("a column name or PRIMARY KEY (...)");
            var (type, element) = ParseColumnType(name);
            if (Peek.Is("primary"))
            {
                if (!isTable) throw Peek.Pos.Error(StreamKeyHint);
                Next();
                Expect("key", "after PRIMARY");
                key.Add((name, pos));
            }
            else if (Peek.Is("key"))
            {
                // ksqlDB's KEY column: the stream's record key (a tombstone names the group it deletes).
                if (isTable) throw Peek.Pos.Error("a table's key is its PRIMARY KEY; write col type PRIMARY KEY.");
                Next();
                key.Add((name, pos));
            }
            if (Peek.Is("not") && PeekAt(1).Is("null")) throw Peek.Pos.Error("NOT NULL constraints are not supported; filter nulls with WHERE col IS NOT NULL.");
            columns.Add(new ColumnDef(name, type, pos, element));
        }
        while (AcceptSymbol(","));
        ExpectSymbol(")", "after the column list");
        return (columns, key);
    }

    private const string StreamKeyHint =
        "a stream has no primary key (every record is an event); mark the column(s) of its record key with KEY (order_id TEXT KEY), or declare a TABLE for rows keyed by a primary key.";

    /// <summary>A column type: a scalar type, or an array of one as TEXT[], TEXT ARRAY (PostgreSQL) or ARRAY&lt;TEXT&gt; (Flink).</summary>
    private (SqlType Type, SqlType Element) ParseColumnType(string column)
    {
        var typeToken = Peek;
        if (typeToken.Kind != TokenKind.Word) throw typeToken.Pos.Error($"expected the type of column {column} ({SqlTypes.Supported}), found {typeToken.Describe()}.");
        Next();
        if (typeToken.Is("array") && AcceptSymbol("<"))
        {
            var (inner, _) = ParseScalarType(Peek, column);
            ExpectSymbol(">", "after ARRAY<element type");
            return (SqlType.Array, inner);
        }
        var (type, _) = ParseScalarType(typeToken, column, consumed: true);
        bool array = Accept("array");
        if (!array && Peek.IsSymbol("[") && PeekAt(1).IsSymbol("]")) { Next(); Next(); array = true; }
        if (array && (Peek.Is("array") || Peek.IsSymbol("["))) throw Peek.Pos.Error("arrays of arrays are not supported.");
        return array ? (SqlType.Array, type) : (type, SqlType.Unknown);
    }

    private (SqlType, Token) ParseScalarType(Token typeToken, string column, bool consumed = false)
    {
        if (!consumed)
        {
            if (typeToken.Kind != TokenKind.Word) throw typeToken.Pos.Error($"expected the element type of column {column} ({SqlTypes.Supported}), found {typeToken.Describe()}.");
            Next();
        }
        if (typeToken.Is("array")) throw typeToken.Pos.Error(consumed ? "ARRAY needs an element type: TEXT[], TEXT ARRAY or ARRAY<TEXT>." : "arrays of arrays are not supported.");
        var type = SqlTypes.Parse(typeToken.Text) ?? throw typeToken.Pos.Error($"unknown type {typeToken.Text}; supported: {SqlTypes.Supported}, and arrays of them (TEXT[], TEXT ARRAY, ARRAY<TEXT>).");
        if (typeToken.Is("double")) Accept("precision");
        if (typeToken.Is("timestamp") && Peek.Is("with")) throw Peek.Pos.Error("TIMESTAMP WITH TIME ZONE is not supported; TIMESTAMP is epoch milliseconds (UTC).");
        if (AcceptSymbol("("))
        {
            // VARCHAR(n), DECIMAL(p, s): accepted and not enforced (documented).
            do Next(); while (AcceptSymbol(","));
            ExpectSymbol(")", "after the type's length/precision");
        }
        return (type, typeToken);
    }

    private Dictionary<string, WithOption> ParseWith()
    {
        var options = new Dictionary<string, WithOption>(StringComparer.OrdinalIgnoreCase);
        if (!Accept("with")) return options;
        ExpectSymbol("(", "after WITH");
        do
        {
            var (name, pos) = OptionName();
            ExpectSymbol("=", $"after option {name}");
            var value = Next();
            if (value.Kind is not (TokenKind.String or TokenKind.Number or TokenKind.Word))
                throw value.Pos.Error($"expected a value for option {name} (a 'string'), found {value.Describe()}.");
            if (!options.TryAdd(name, new WithOption(value.Text, value.Pos))) throw pos.Error($"option {name} is given twice.");
        }
        while (AcceptSymbol(","));
        ExpectSymbol(")", "after the WITH options");
        return options;
    }

    private (string, Pos) OptionName()
    {
        var t = Next();
        if (t.Kind is not (TokenKind.Word or TokenKind.QuotedIdent or TokenKind.String)) throw t.Pos.Error($"expected an option name, found {t.Describe()}.");
        string name = t.Text.ToLowerInvariant();
        // Flink-style dotted option names: 'key.format' or key.format.
        while (Peek.IsSymbol(".") && PeekAt(1).Kind == TokenKind.Word) { Next(); name += "." + Next().Text.ToLowerInvariant(); }
        return (name, t.Pos);
    }
}
