using Braid.Sql.Binding;
using Braid.Sql.Syntax;
using Braid.State;

namespace Braid.Sql;

/// <summary>
/// A pull query against a running materialized view: <c>SELECT * | col, ... FROM view [WHERE condition]</c>.
/// When the WHERE clause fixes every key column with <c>=</c> it is a key lookup; otherwise it scans the
/// view's store and filters. Prepare once with <see cref="SqlProgram"/>, run against the host's store.
/// </summary>
public sealed class SqlPullQuery
{
    private readonly Func<SqlRow, object?>? _where;
    private readonly int[] _columns;
    private readonly object?[]? _lookup;

    private SqlPullQuery(SqlView view, int[] columns, Func<SqlRow, object?>? where, object?[]? lookup)
    {
        View = view;
        _columns = columns;
        _where = where;
        _lookup = lookup;
        Columns = columns.Select(i => view.Columns[i]).ToList();
    }

    /// <summary>The view the query reads.</summary>
    public SqlView View { get; }

    /// <summary>The columns of the answer.</summary>
    public IReadOnlyList<SqlColumn> Columns { get; }

    /// <summary>Parses and checks a pull query against the views of <paramref name="program"/>.</summary>
    /// <param name="program">The running program.</param>
    /// <param name="sql">One SELECT statement.</param>
    /// <returns>The prepared query.</returns>
    /// <exception cref="SqlException">Not a pull query this program can answer, with the position.</exception>
    public static SqlPullQuery Prepare(SqlProgram program, string sql)
    {
        ArgumentNullException.ThrowIfNull(program);
        var statements = Parser.Parse(sql);
        if (statements is not [SelectStatement { Query: var q }])
            throw (statements.Count > 0 ? statements[0].Pos : new Pos(1, 1)).Error("a pull query is one SELECT ... FROM view [WHERE ...].");
        if (q.From is not TableRef t || q.Joins.Count > 0 || q.GroupBy.Count > 0 || q.Distinct)
            throw q.Pos.Error("a pull query reads one view: SELECT * FROM view [WHERE key = ...] (joins, GROUP BY and DISTINCT belong in a CREATE MATERIALIZED VIEW).");
        var view = program.Views.FirstOrDefault(v => v.Name == t.Name)
            ?? throw t.Pos.Error($"no view named {t.Name}; pull queries read materialized views ({string.Join(", ", program.Views.Where(v => v.IsTable).Select(v => v.Name))}).");
        if (!view.IsTable) throw t.Pos.Error($"{t.Name} is a stream: it has no current state to query; pull queries read materialized views.");
        var schema = new Schema(view.Columns.Select(c => new Column(t.Alias, c.Name, c.Type, c.Element)).ToList());
        var columns = new List<int>();
        foreach (var item in q.Items)
        {
            if (item.Expr is StarRef) columns.AddRange(Enumerable.Range(0, schema.Count));
            else if (item.Expr is ColumnRef c && item.Alias is null) columns.Add(schema.Resolve(c));
            else throw item.Pos.Error("a pull query selects * or view columns by name.");
        }
        Func<SqlRow, object?>? where = q.Where is null ? null : new ExprCompiler(schema).Boolean(q.Where, "WHERE").Eval;
        return new SqlPullQuery(view, [.. columns], where, q.Where is null ? null : KeyLookup(view, schema, q.Where));
    }

    /// <summary>The key values when WHERE is exactly key_col = literal for every key column.</summary>
    private static object?[]? KeyLookup(SqlView view, Schema schema, Expr where)
    {
        var terms = JoinCondition.Conjuncts(where).ToList();
        if (terms.Count != view.KeyColumns.Count) return null;
        var values = new object?[view.KeyColumns.Count];
        var found = new bool[values.Length];
        foreach (var term in terms)
        {
            if (term is not Binary { Op: "=" } eq) return null;
            var (col, lit) = eq.Left is ColumnRef c1 && eq.Right is Literal l1 ? (c1, l1) : eq.Right is ColumnRef c2 && eq.Left is Literal l2 ? (c2, l2) : default;
            if (col is null || lit?.Value is null) return null;
            int k = view.KeyColumns.ToList().FindIndex(kc => kc.Name == col.Name);
            if (k < 0 || found[k] || schema.Columns[schema.Resolve(col)].Name != view.KeyColumns[k].Name) return null;
            values[k] = JoinCondition.Coerce(lit.Value, view.KeyColumns[k].Type);
            found[k] = true;
        }
        return found.All(f => f) ? values : null;
    }

    /// <summary>True when the query is answered by one key lookup rather than a scan.</summary>
    public bool IsKeyLookup => _lookup is not null;

    /// <summary>Answers the query from the view's store.</summary>
    /// <param name="store">The view's store (<see cref="SqlView.StoreName"/>) from the host running the program.</param>
    /// <returns>The matching rows (selected columns), sorted by key.</returns>
    public IReadOnlyList<SqlRow> Run(IReadOnlyKeyValueStore<SqlRow, ValueAndTimestamp<SqlRow>> store)
    {
        ArgumentNullException.ThrowIfNull(store);
        IEnumerable<KeyValue<SqlRow, ValueAndTimestamp<SqlRow>>> candidates = _lookup is not null
            ? store.TryGet(Keys.Make(_lookup), out var hit) ? [KeyValue.Pair(Keys.Make(_lookup), hit)] : []
            : store.All().OrderBy(kv => kv.Key);
        var names = _columns.Select(i => View.Columns[i].Name).ToArray();
        return candidates
            .Where(kv => _where is null || _where(kv.Value.Value) is true)
            .Select(kv => SqlRow.Unchecked(names, _columns.Select(i => kv.Value.Value[i]).ToArray()))
            .ToList();
    }
}
