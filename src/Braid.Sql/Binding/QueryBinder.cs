using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// Binds one SELECT to DSL operators: FROM and JOINs (<see cref="JoinBinder"/>), WHERE as
/// <c>Filter</c>, then either GROUP BY (<see cref="AggregateBinder"/>) or the SELECT list as
/// <c>MapValues</c>. Tables stay tables (updates and deletes flow through), streams stay streams.
/// </summary>
internal sealed class QueryBinder(IReadOnlyDictionary<string, Relation> catalog)
{
    public Relation Bind(Select q)
    {
        q = Distinct(q);
        if (q.From is WindowRef w) return new WindowedAggregateBinder(this).Bind(q, w);
        var rel = Input(q.From);
        // A keyed stream's tombstones reach a GROUP BY only straight from its source (no join in between).
        var deletes = q.Joins.Count == 0 ? rel.Deletes : null;
        foreach (var join in q.Joins) rel = new JoinBinder(this).Join(rel, join);
        if (q.Where is not null) rel = Filter(rel, q.Where);
        bool aggregated = q.GroupBy.Count > 0 || q.Items.Any(i => ContainsAggregate(i.Expr));
        return aggregated ? new AggregateBinder().Bind(rel, q, deletes) : Project(rel, q.Items);
    }

    /// <summary>SELECT DISTINCT items is GROUP BY items (the SQL standard's equivalence); with GROUP BY or aggregates it is refused.</summary>
    private static Select Distinct(Select q)
    {
        if (!q.Distinct) return q;
        if (q.GroupBy.Count > 0 || q.Items.Any(i => ContainsAggregate(i.Expr)))
            throw q.Pos.Error("SELECT DISTINCT with GROUP BY or aggregates is not supported; the GROUP BY already makes each group one row.");
        foreach (var item in q.Items)
            if (item.Expr is StarRef) throw item.Pos.Error("SELECT DISTINCT * is not supported; name the columns (SELECT DISTINCT a, b).");
        return q with { GroupBy = q.Items.Select(i => i.Expr).ToList(), Distinct = false };
    }

    public Relation Input(FromItem item)
    {
        switch (item)
        {
            case TableRef t:
                if (!catalog.TryGetValue(t.Name, out var rel))
                    throw t.Pos.Error($"unknown table or stream {t.Name}; defined so far: {(catalog.Count == 0 ? "nothing" : string.Join(", ", catalog.Keys))}.");
                if (t.AsOf is not null && !ReferenceEquals(item, item)) throw t.AsOf.Pos.Error("unreachable");
                return new Relation
                {
                    Schema = rel.Schema.Requalify(t.Alias), Key = rel.Key, KeyColumns = rel.KeyColumns, Table = rel.Table, Stream = rel.Stream,
                    VersionedRetention = rel.VersionedRetention, TimeColumn = rel.TimeColumn, Deletes = rel.Deletes,
                };
            case WindowRef w:
                throw w.Pos.Error("a window table function (TUMBLE/HOP/SESSION) can only be the FROM of a GROUP BY query, not joined.");
            case UnnestRef u:
                throw u.Pos.Error("UNNEST reads an array of the row before it: FROM s CROSS JOIN UNNEST(s.col) AS u(x).");
            default:
                throw item.Pos.Error("unsupported FROM item.");
        }
    }

    /// <summary>True when <paramref name="name"/> is a CREATE TABLE / CREATE STREAM source (not a view).</summary>
    public bool IsSource(string name) => catalog.TryGetValue(name, out var rel) && rel.IsSourceRelation;

    public static bool ContainsAggregate(Expr e) => e switch
    {
        FunctionCall f => ExprCompiler.IsAggregate(f) || f.Args.Any(ContainsAggregate),
        Binary b => ContainsAggregate(b.Left) || ContainsAggregate(b.Right),
        Unary u => ContainsAggregate(u.Operand),
        Cast c => ContainsAggregate(c.Value),
        Subscript sub => ContainsAggregate(sub.Array) || ContainsAggregate(sub.Index),
        JsonGet j => ContainsAggregate(j.Value) || ContainsAggregate(j.Path),
        IsNull n => ContainsAggregate(n.Value),
        Between bt => ContainsAggregate(bt.Value) || ContainsAggregate(bt.Low) || ContainsAggregate(bt.High),
        Case cs => (cs.Operand is not null && ContainsAggregate(cs.Operand)) || cs.Whens.Any(w => ContainsAggregate(w.When) || ContainsAggregate(w.Then))
            || (cs.Else is not null && ContainsAggregate(cs.Else)),
        InList il => ContainsAggregate(il.Value) || il.Items.Any(ContainsAggregate),
        Quantified qt => ContainsAggregate(qt.Value) || ContainsAggregate(qt.Array),
        Like lk => ContainsAggregate(lk.Value),
        _ => false,
    };

    private static Relation Filter(Relation rel, Expr where)
    {
        if (ContainsAggregate(where)) throw where.Pos.Error("aggregates are not allowed in WHERE (it filters input rows); filter the grouped view in a second view instead.");
        var predicate = new ExprCompiler(rel.Schema).Boolean(where, "WHERE").Eval;
        return rel.IsTable
            ? With(rel, table: rel.Table!.Filter((_, row) => predicate(row) is true))
            : With(rel, stream: rel.Stream!.Filter((_, row) => predicate(row!) is true));
    }

    /// <summary>The SELECT list as MapValues; the key stays the input's key (a table's primary key, a join's key pair).</summary>
    public static Relation Project(Relation rel, IReadOnlyList<SelectItem> items)
    {
        var compiler = new ExprCompiler(rel.Schema);
        var outputs = new List<(Column Column, Func<SqlRow, object?> Eval, int Source)>();
        foreach (var item in items)
        {
            if (item.Expr is StarRef { Qualifier: null })
            {
                for (int i = 0; i < rel.Schema.Count; i++)
                {
                    int at = i;
                    outputs.Add((rel.Schema.Columns[i] with { Qualifier = null }, r => r[at], at));
                }
                continue;
            }
            var c = compiler.Compile(item.Expr);
            string name = OutputName(item);
            int source = item.Expr is ColumnRef cr ? rel.Schema.Resolve(cr) : -1;
            outputs.Add((new Column(null, name, c.Type == SqlType.Unknown ? SqlType.Text : c.Type, c.Element), c.Eval, source));
        }
        CheckDistinctNames(items, outputs.Select(o => o.Column.Name).ToList());
        var schema = new Schema(outputs.Select(o => o.Column).ToList());
        var evals = outputs.Select(o => o.Eval).ToArray();
        SqlRow Map(SqlRow row)
        {
            var values = new object?[evals.Length];
            for (int i = 0; i < evals.Length; i++) values[i] = evals[i](row);
            return schema.Row(values);
        }
        int[] key = rel.Key.Select(k => k < 0 ? -1 : outputs.FindIndex(o => o.Source == k)).ToArray();
        var projected = new Relation
        {
            Schema = schema, Key = key, KeyColumns = rel.KeyColumns, VersionedRetention = rel.VersionedRetention,
            TimeColumn = rel.TimeColumn is { } t && outputs.FindIndex(o => o.Source == t) is var ti and >= 0 ? ti : null,
            Table = rel.Table?.MapValues((_, row) => Map(row)),
            Stream = rel.Stream?.MapValues(row => Map(row!)),
        };
        return projected;
    }

    public static string OutputName(SelectItem item) => item.Alias ?? item.Expr switch
    {
        ColumnRef c => c.Name,
        FunctionCall f => f.Name,
        _ => throw item.Pos.Error("name this computed column: expression AS name."),
    };

    public static void CheckDistinctNames(IReadOnlyList<SelectItem> items, IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < names.Count; i++)
            if (!seen.Add(names[i]))
                throw (i < items.Count ? items[i].Pos : items[^1].Pos).Error($"two output columns are named {names[i]}; give one an alias (expression AS other_name).");
    }

    public static Relation With(Relation rel, KTable<SqlRow, SqlRow>? table = null, KStream<SqlRow, SqlRow>? stream = null) => new()
    {
        Schema = rel.Schema, Key = rel.Key, KeyColumns = rel.KeyColumns, VersionedRetention = rel.VersionedRetention, TimeColumn = rel.TimeColumn,
        Table = table ?? (stream is null ? rel.Table : null), Stream = stream ?? (table is null ? rel.Stream : null),
    };
}
