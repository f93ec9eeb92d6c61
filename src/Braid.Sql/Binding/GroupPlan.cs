using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>What a grouped SELECT computes: the group key, the member row per input row, and the output row per group.</summary>
internal sealed class GroupPlan
{
    public static readonly SqlRow NoMembers = SqlRow.Unchecked(["members"], [new SqlArray([])]);

    private readonly Func<SqlRow, object?>[] _groupBy;
    private readonly List<AggregateSpec> _aggregates;
    private readonly int _memberWidth;
    private readonly Func<SqlRow, object?>[] _outputs;
    private readonly Func<SqlRow, object?>? _having;

    private GroupPlan(Func<SqlRow, object?>[] groupBy, List<AggregateSpec> aggregates, Func<SqlRow, object?>[] outputs, Func<SqlRow, object?>? having,
        Schema schema, int[] key, List<SqlColumn> keyColumns)
    {
        _groupBy = groupBy;
        _aggregates = aggregates;
        _outputs = outputs;
        _having = having;
        int offset = 0;
        foreach (var a in aggregates) { a.Offset = offset; offset += a.Width; }
        _memberWidth = offset;
        Schema = schema;
        Key = key;
        KeyColumns = keyColumns;
    }

    public Schema Schema { get; }

    public int[] Key { get; }

    public List<SqlColumn> KeyColumns { get; }

    /// <summary>Binds GROUP BY and the SELECT list. Extra columns <paramref name="extraKeys"/> (window start/end) follow the GROUP BY values in the key.</summary>
    public static GroupPlan Create(Schema input, Select q, IReadOnlyList<Column>? extraKeys = null)
    {
        var inputCompiler = new ExprCompiler(input);
        var groupExprs = q.GroupBy.ToList();
        foreach (var g in groupExprs)
            if (QueryBinder.ContainsAggregate(g)) throw g.Pos.Error("GROUP BY cannot contain an aggregate.");
        var groupCompiled = groupExprs.Select(inputCompiler.Compile).ToList();
        var aggregates = new List<AggregateSpec>();
        var extra = extraKeys ?? [];
        // The output row is computed over [group values..., extra keys..., aggregate results...].
        var midColumns = groupCompiled.Select((c, i) => new Column(null, $"g{i}", c.Type)).Concat(extra).ToList();
        string Identity(Expr e) => e is ColumnRef c ? "col:" + input.Resolve(c) : Text(e);
        var groupIds = groupExprs.Select(Identity).ToList();
        var outputCompilers = new List<Compiled>();
        var mid = new Schema(midColumns);
        Compiled? Hook(Expr e)
        {
            if (e is FunctionCall f && ExprCompiler.IsAggregate(f))
            {
                var spec = AggregateSpec.Create(f, inputCompiler);
                aggregates.Add(spec);
                int slot = midColumns.Count + aggregates.Count - 1;
                return new Compiled(r => r[slot], spec.ResultType, spec.ElementType);
            }
            if (e is ColumnRef c && extra.FirstOrDefault(x => x.Name == c.Name && c.Qualifier is null || x.Name == c.Name && x.Qualifier == c.Qualifier) is { } x)
            {
                int slot = groupExprs.Count + extra.ToList().IndexOf(x);
                return new Compiled(r => r[slot], x.Type);
            }
            if (e is ColumnRef or FunctionCall or Binary or Unary or Cast or Case or Subscript or Like or InList or IsNull or Between or JsonGet)
            {
                int g = groupExprs.FindIndex(x => ReferenceEquals(x, e)); // SELECT DISTINCT: the items are the GROUP BY
                if (g < 0) g = e is ColumnRef cr && TryResolve(input, cr) is { } p ? groupIds.IndexOf("col:" + p) : groupIds.IndexOf(Text(e));
                if (g >= 0) return new Compiled(r => r[g], groupCompiled[g].Type);
                if (e is ColumnRef bad) throw bad.Pos.Error($"column {bad} must appear in GROUP BY or be used inside an aggregate (COUNT, SUM, MIN, MAX, AVG, array_agg).");
            }
            return null;
        }
        var outCompiler = new ExprCompiler(mid, Hook);
        var outputColumns = new List<Column>();
        int[] keyPositions = new int[groupExprs.Count + extra.Count];
        Array.Fill(keyPositions, -1);
        foreach (var item in q.Items)
        {
            if (item.Expr is StarRef { Qualifier: null }) throw item.Pos.Error("SELECT * is not allowed with GROUP BY; name the grouped columns and aggregates.");
            var c = outCompiler.Compile(item.Expr);
            outputCompilers.Add(c);
            string name = QueryBinder.OutputName(item);
            int g = groupExprs.FindIndex(x => ReferenceEquals(x, item.Expr));
            if (g < 0) g = item.Expr is ColumnRef cr && TryResolve(input, cr) is { } p ? groupIds.IndexOf("col:" + p) : groupIds.IndexOf(Text(item.Expr));
            if (g < 0 && item.Expr is ColumnRef xr && extra.ToList().FindIndex(x => x.Name == xr.Name) is var xi and >= 0) g = groupExprs.Count + xi;
            if (g >= 0 && keyPositions[g] < 0) keyPositions[g] = outputColumns.Count;
            outputColumns.Add(new Column(null, name, c.Type == SqlType.Unknown ? SqlType.Text : c.Type, c.Element));
        }
        // HAVING is computed like a SELECT item, over the group values and aggregates (its own aggregates included).
        var having = q.Having is null ? null : outCompiler.Boolean(q.Having, "HAVING").Eval;
        QueryBinder.CheckDistinctNames(q.Items, outputColumns.Select(c => c.Name).ToList());
        var keyColumns = groupExprs.Select((e, i) => new SqlColumn(
                keyPositions[i] >= 0 ? outputColumns[keyPositions[i]].Name : e is ColumnRef c ? c.Name : $"k{i}", groupCompiled[i].Type))
            .Concat(extra.Select((x, i) => new SqlColumn(x.Name, x.Type))).ToList();
        return new GroupPlan(groupCompiled.Select(c => c.Eval).ToArray(), aggregates, outputCompilers.Select(c => c.Eval).ToArray(), having,
            new Schema(outputColumns), keyPositions, keyColumns);
    }

    private static int? TryResolve(Schema s, ColumnRef c)
    {
        try
        {
            return s.Resolve(c);
        }
        catch (SqlException)
        {
            return null;
        }
    }

    /// <summary>Structural text of an expression (positions ignored), to match SELECT items against GROUP BY items.</summary>
    internal static string Text(Expr e) => e switch
    {
        ColumnRef c => c.ToString(),
        Literal l => "lit:" + SqlJson.WriteValue(l.Value),
        IntervalLiteral i => "iv:" + i.Millis,
        Binary b => $"({Text(b.Left)} {b.Op} {Text(b.Right)})",
        Unary u => $"({u.Op} {Text(u.Operand)})",
        FunctionCall f => $"{f.Name}({string.Join(",", f.Args.Select(Text))})",
        Cast c => $"cast({Text(c.Value)} as {c.Type})",
        JsonGet j => $"({Text(j.Value)} {(j.AsText ? "->>" : "->")} {Text(j.Path)})",
        _ => Guid.NewGuid().ToString(),
    };

    public SqlRow GroupKey(SqlRow row)
    {
        var values = new object?[_groupBy.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _groupBy[i](row);
        return Keys.Make(values);
    }

    public SqlRow Member(SqlRow row)
    {
        var member = new object?[_memberWidth];
        foreach (var a in _aggregates) a.Fill(row, member);
        return Keys.Make(member);
    }

    /// <summary>The group's output row, or null (no row: the group is absent from the view) when HAVING is not TRUE.</summary>
    public SqlRow? Result(SqlRow key, IReadOnlyList<SqlRow> members)
    {
        var mid = new object?[key.Count + _aggregates.Count];
        for (int i = 0; i < key.Count; i++) mid[i] = key[i];
        for (int i = 0; i < _aggregates.Count; i++) mid[key.Count + i] = _aggregates[i].Compute(members);
        var midRow = Keys.Make(mid);
        if (_having is not null && _having(midRow) is not true) return null;
        var values = new object?[_outputs.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _outputs[i](midRow);
        return Schema.Row(values);
    }

    public Relation Output(KTable<SqlRow, SqlRow> table) => new() { Schema = Schema, Key = Key, KeyColumns = KeyColumns, Table = table };

    public static SqlRow Append(SqlRow state, SqlRow member) => SqlRow.Unchecked(["members"], [new SqlArray([.. (SqlArray)state[0]!, member])]);

    public static IReadOnlyList<SqlRow> Members(SqlRow state) => ((SqlArray)state[0]!).Cast<SqlRow>().ToList();

    public static SqlRow Merge(SqlRow a, SqlRow b) => SqlRow.Unchecked(["members"], [new SqlArray([.. (SqlArray)a[0]!, .. (SqlArray)b[0]!])]);
}
