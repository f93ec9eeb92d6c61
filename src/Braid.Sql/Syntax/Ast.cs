namespace Braid.Sql.Syntax;

// The syntax tree: what the parser read, with positions for the binder's error messages.

internal abstract record Statement(Pos Pos);

/// <summary>A declared column; <paramref name="Element"/> is the element type of an ARRAY column.</summary>
internal sealed record ColumnDef(string Name, SqlType Type, Pos Pos, SqlType Element = SqlType.Unknown);

internal sealed record WithOption(string Value, Pos Pos);

/// <summary>CREATE TABLE / CREATE STREAM name (columns [, PRIMARY KEY (...)]) [WITH (...)]; for a stream, PrimaryKey holds its KEY columns.</summary>
internal sealed record CreateSource(Pos Pos, string Name, bool IsTable, IReadOnlyList<ColumnDef> Columns, IReadOnlyList<(string Name, Pos Pos)> PrimaryKey,
    IReadOnlyDictionary<string, WithOption> With) : Statement(Pos);

/// <summary>CREATE MATERIALIZED VIEW / CREATE TABLE ... AS (a table) or CREATE STREAM ... AS (a stream).</summary>
internal sealed record CreateView(Pos Pos, string Name, bool IsStream, Select Query, IReadOnlyDictionary<string, WithOption> With) : Statement(Pos);

/// <summary>INSERT INTO name SELECT ...</summary>
internal sealed record InsertInto(Pos Pos, string Target, Pos TargetPos, Select Query) : Statement(Pos);

/// <summary>A bare SELECT: a pull query in the shell.</summary>
internal sealed record SelectStatement(Pos Pos, Select Query) : Statement(Pos);

internal sealed record SelectItem(Expr Expr, string? Alias, Pos Pos);

internal sealed record Select(Pos Pos, IReadOnlyList<SelectItem> Items, FromItem From, IReadOnlyList<JoinClause> Joins, Expr? Where,
    IReadOnlyList<Expr> GroupBy, bool EmitOnWindowClose, Expr? Having = null, bool Distinct = false);

internal abstract record FromItem(Pos Pos, string Alias);

internal sealed record TableRef(Pos Pos, string Name, string Alias, Expr? AsOf) : FromItem(Pos, Alias);

internal enum WindowKind { Tumble, Hop, Session }

/// <summary>TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), size)) and friends (Flink's window table functions).</summary>
internal sealed record WindowRef(Pos Pos, WindowKind Kind, TableRef Input, string TimeColumn, Pos TimeColumnPos, long SizeMs, long? SlideMs, long? GraceMs, string Alias)
    : FromItem(Pos, Alias);

/// <summary>UNNEST(array) [WITH ORDINALITY] AS alias (column [, ordinality column]): one row per element of an array column.</summary>
internal sealed record UnnestRef(Pos Pos, Expr Array, bool WithOrdinality, string Alias, string Column, string? OrdinalityColumn) : FromItem(Pos, Alias);

internal enum JoinKind { Inner, Left, Full, Cross }

internal sealed record JoinClause(Pos Pos, JoinKind Kind, FromItem Right, Expr On, long? GraceMs);

internal abstract record Expr(Pos Pos)
{
    /// <summary>Where the expression's text begins (an operator node's Pos is its operator).</summary>
    public Pos Start => this switch
    {
        Binary b => b.Left.Start,
        Between bt => bt.Value.Start,
        IsNull n => n.Value.Start,
        InList il => il.Value.Start,
        Like lk => lk.Value.Start,
        Quantified q => q.Value.Start,
        Subscript sub => sub.Array.Start,
        JsonGet j => j.Value.Start,
        _ => Pos,
    };
}

internal sealed record ColumnRef(Pos Pos, string? Qualifier, string Name) : Expr(Pos)
{
    public override string ToString() => Qualifier is null ? Name : $"{Qualifier}.{Name}";
}

/// <summary><c>t.*</c> (or <c>*</c> when Qualifier is null).</summary>
internal sealed record StarRef(Pos Pos, string? Qualifier) : Expr(Pos);

internal sealed record Literal(Pos Pos, object? Value) : Expr(Pos);

/// <summary>INTERVAL '5' MINUTE, in milliseconds.</summary>
internal sealed record IntervalLiteral(Pos Pos, long Millis) : Expr(Pos);

internal sealed record Binary(Pos Pos, string Op, Expr Left, Expr Right) : Expr(Pos);

internal sealed record Unary(Pos Pos, string Op, Expr Operand) : Expr(Pos);

internal sealed record OrderTerm(Expr Expr, bool Descending, Pos Pos);

internal sealed record FunctionCall(Pos Pos, string Name, IReadOnlyList<Expr> Args, bool Star, bool Distinct, IReadOnlyList<OrderTerm> OrderBy) : Expr(Pos);

internal sealed record Between(Pos Pos, Expr Value, Expr Low, Expr High, bool Negated) : Expr(Pos);

internal sealed record IsNull(Pos Pos, Expr Value, bool Negated) : Expr(Pos);

internal sealed record InList(Pos Pos, Expr Value, IReadOnlyList<Expr> Items, bool Negated) : Expr(Pos);

/// <summary>x op ANY(array) / x op ALL(array) (PostgreSQL).</summary>
internal sealed record Quantified(Pos Pos, string Op, Expr Value, Expr Array, bool All) : Expr(Pos);

internal sealed record Like(Pos Pos, Expr Value, Expr Pattern, bool Negated) : Expr(Pos);

internal sealed record Case(Pos Pos, Expr? Operand, IReadOnlyList<(Expr When, Expr Then)> Whens, Expr? Else) : Expr(Pos);

internal sealed record Cast(Pos Pos, Expr Value, SqlType Type) : Expr(Pos);

/// <summary>json -&gt; 'field' / json -&gt; index (a JSON value), json -&gt;&gt; ... (as TEXT): PostgreSQL's JSON operators.</summary>
internal sealed record JsonGet(Pos Pos, Expr Value, Expr Path, bool AsText) : Expr(Pos);

/// <summary>array[index], 1-based as in PostgreSQL: (array_agg(x ORDER BY t DESC))[1] is the latest x.</summary>
internal sealed record Subscript(Pos Pos, Expr Array, Expr Index) : Expr(Pos);
