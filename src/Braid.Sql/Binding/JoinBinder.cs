using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// Chooses the DSL join from the inputs' kinds and the ON condition (docs/sql.md, "Joins"):
/// table ⋈ table on both primary keys → <c>KTable.Join</c>; on the right table's primary key → foreign-key
/// join; on other columns → many-to-many join; stream ⋈ table on the table's key → <c>KStream.Join(KTable)</c>
/// (as of the stream record's time when the table is versioned); stream ⋈ stream with a BETWEEN time bound →
/// windowed <c>KStream.Join(KStream, JoinWindows)</c>. The joined row is the left row's columns then the right's.
/// </summary>
internal sealed partial class JoinBinder(QueryBinder binder)
{
    public Relation Join(Relation left, JoinClause clause)
    {
        if (clause.Right is UnnestRef u) return UnnestBinder.Bind(left, clause, u);
        var right = binder.Input(clause.Right);
        var asOf = (clause.Right as TableRef)?.AsOf;
        var cond = JoinCondition.Split(clause.On, left.Schema, right.Schema);
        var schema = left.Schema.Concat(right.Schema);
        int leftWidth = left.Schema.Count, rightWidth = right.Schema.Count;
        SqlRow Joined(SqlRow? l, SqlRow? r)
        {
            var values = new object?[leftWidth + rightWidth];
            for (int i = 0; i < leftWidth && l is not null; i++) values[i] = l[i];
            for (int i = 0; i < rightWidth && r is not null; i++) values[leftWidth + i] = r[i];
            return schema.Row(values);
        }
        if (asOf is not null && (left.IsTable || !right.IsTable))
            throw asOf.Pos.Error("FOR SYSTEM_TIME AS OF is for a stream joined with a versioned table (FROM stream s JOIN t FOR SYSTEM_TIME AS OF s.ts ON ...).");
        if (clause.GraceMs is not null && left.IsTable)
            throw clause.Pos.Error("GRACE PERIOD applies to stream–table and stream–stream joins; a table–table join has no time bound.");
        return (left.IsTable, right.IsTable) switch
        {
            (true, true) => TableTable(left, right, clause, cond, schema, Joined),
            (false, true) => StreamTable(left, right, clause, cond, asOf, schema, Joined),
            (false, false) => StreamStream(left, right, clause, cond, schema, Joined),
            _ => throw clause.Pos.Error("a table joined with a stream: put the stream first (FROM stream JOIN table ...) — a stream–table join looks each event up in the table."),
        };
    }

    /// <summary>Pairs sorted by the right input's key order when the right sides are exactly its key columns; null otherwise.</summary>
    private static EquiPair[]? CoversKey(Relation rel, IReadOnlyList<EquiPair> pairs, Func<EquiPair, Expr> side)
    {
        if (rel.Key.Length == 0 || !rel.KeyInRow || pairs.Count != rel.Key.Length) return null;
        var ordered = new EquiPair[rel.Key.Length];
        foreach (var p in pairs)
        {
            if (side(p) is not ColumnRef c) return null;
            int at = Array.IndexOf(rel.Key, rel.Schema.Resolve(c));
            if (at < 0 || ordered[at] is not null) return null;
            ordered[at] = p;
        }
        return ordered;
    }

    private Relation TableTable(Relation left, Relation right, JoinClause clause, JoinCondition cond, Schema schema, Func<SqlRow?, SqlRow?, SqlRow> joined)
    {
        var l = left.Table!;
        var r = right.Table!;
        var byRightKey = CoversKey(right, cond.Pairs, p => p.RightExpr);
        var byLeftKey = CoversKey(left, cond.Pairs, p => p.LeftExpr);
        int[] rightKeyInRow = right.Key.Select(k => k < 0 ? -1 : left.Schema.Count + k).ToArray();
        if (byRightKey is not null && byLeftKey is not null && byRightKey.SequenceEqual(byLeftKey) && SameKeyTypes(left, right))
        {
            // Both primary keys: the co-partitioned table–table join, keyed by the (shared) key.
            var result = clause.Kind switch
            {
                JoinKind.Inner => l.Join(r, (a, b) => joined(a, b)),
                JoinKind.Left => l.LeftJoin(r, (a, b) => joined(a, b)),
                _ => l.OuterJoin(r, (a, b) => joined(a, b)),
            };
            return new Relation { Schema = schema, Key = left.Key, KeyColumns = left.KeyColumns, Table = result };
        }
        if (byRightKey is not null && clause.Kind != JoinKind.Full)
        {
            // The right table's primary key: a foreign-key join, one result per left row, keyed by the left key.
            var fk = JoinCondition.KeyFunction(byRightKey.Select(p => p.Left).ToList(), right.KeyColumns.Select(c => c.Type).ToList());
            var result = clause.Kind == JoinKind.Inner
                ? l.Join(r, row => fk(row), (a, b) => joined(a, b))
                : l.LeftJoin(r, row => fk(row), (a, b) => joined(a, b));
            return new Relation { Schema = schema, Key = left.Key, KeyColumns = left.KeyColumns, Table = result };
        }
        return ManyToMany(left, right, clause, cond, schema, joined, rightKeyInRow);
    }

    private static bool SameKeyTypes(Relation a, Relation b) =>
        a.KeyColumns.Count == b.KeyColumns.Count && a.KeyColumns.Zip(b.KeyColumns).All(p => p.First.Type == p.Second.Type);

    /// <summary>Any other columns: the many-to-many join, keyed by both primary keys (re-keyed into one key row).</summary>
    private static Relation ManyToMany(Relation left, Relation right, JoinClause clause, JoinCondition cond, Schema schema,
        Func<SqlRow?, SqlRow?, SqlRow> joined, int[] rightKeyInRow)
    {
        var types = cond.Pairs.Select(p => JoinCondition.Common(p.Left.Type, p.Right.Type)).ToList();
        var leftAttr = JoinCondition.KeyFunction(cond.Pairs.Select(p => p.Left).ToList(), types);
        var rightAttr = JoinCondition.KeyFunction(cond.Pairs.Select(p => p.Right).ToList(), types);
        string? LeftAttr(SqlRow _, SqlRow row) => leftAttr(row) is { } k ? RowCodec.Canonical(k.Values) : null;
        string? RightAttr(SqlRow _, SqlRow row) => rightAttr(row) is { } k ? RowCodec.Canonical(k.Values) : null;
        var l = left.Table!;
        var r = right.Table!;
        var pairs = clause.Kind switch
        {
            JoinKind.Inner => l.Join(r, LeftAttr, RightAttr, (a, b) => joined(a, b)),
            JoinKind.Left => l.LeftJoin(r, LeftAttr, RightAttr, (a, b) => joined(a, b)),
            _ => l.OuterJoin(r, LeftAttr, RightAttr, (a, b) => joined(a, b)),
        };
        int leftKeys = left.KeyColumns.Count, rightKeys = right.KeyColumns.Count;
        var table = pairs.ToStream()
            .SelectKey((jk, _) => Keys.Make([.. Part(jk.HasLeft ? jk.Left : null, leftKeys), .. Part(jk.HasRight ? jk.Right : null, rightKeys)]))
            .ToTable(new Materialized<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
        return new Relation
        {
            Schema = schema, Key = [.. left.Key, .. rightKeyInRow], Table = table,
            KeyColumns = PairKeyNames(left, right),
        };
    }

    private static object?[] Part(SqlRow? key, int width) => key is null ? new object?[width] : [.. key.Values];

    private static List<SqlColumn> PairKeyNames(Relation left, Relation right)
    {
        var all = left.KeyColumns.Select((c, i) => (c, q: left.Key[i] >= 0 ? left.Schema.Columns[left.Key[i]].Qualifier : null))
            .Concat(right.KeyColumns.Select((c, i) => (c, q: right.Key[i] >= 0 ? right.Schema.Columns[right.Key[i]].Qualifier : null))).ToList();
        return all.Select(x => all.Count(y => y.c.Name == x.c.Name) > 1 && x.q is not null ? x.c with { Name = $"{x.q}.{x.c.Name}" } : x.c).ToList();
    }
}
