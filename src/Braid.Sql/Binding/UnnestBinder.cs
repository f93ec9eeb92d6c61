using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// <c>FROM s CROSS JOIN UNNEST(s.arr) [WITH ORDINALITY] AS u(x [, n])</c> (Flink's and PostgreSQL's form) →
/// <c>KStream.FlatMapValues</c>. State: none. Emit: one row per array element, in array order: the input row's
/// columns, then the element (and its 1-based position); key and timestamp are the input record's. Absence:
/// an empty or NULL array gives no row, except with <c>LEFT JOIN UNNEST(...) ON TRUE</c>, which gives one row whose
/// element is NULL. A NULL element is a row with a NULL element. Time: unchanged. Tables are refused: a table
/// row is not a list of events, and flattening it would need a key per element and retraction of old elements.
/// </summary>
internal static class UnnestBinder
{
    public static Relation Bind(Relation left, JoinClause clause, UnnestRef u)
    {
        if (left.IsTable)
            throw u.Pos.Error("UNNEST of a table's column is not supported (a table row is not a list of events); UNNEST a stream's array column, or CREATE STREAM ... AS SELECT from the table first.");
        if (left.Schema.HasQualifier(u.Alias)) throw u.Pos.Error($"the alias {u.Alias} is already used in this FROM; give UNNEST another (AS other(x)).");
        var array = new ExprCompiler(left.Schema).Compile(u.Array);
        if (array.Type is not (SqlType.Array or SqlType.Unknown))
            throw u.Array.Pos.Error($"UNNEST takes an array (an ARRAY column such as urls TEXT[], or array_agg(...)), this is {SqlTypes.Name(array.Type)}.");
        List<Column> added = [new(u.Alias, u.Column, array.Element)];
        if (u.OrdinalityColumn is { } ordinality) added.Add(new Column(u.Alias, ordinality, SqlType.BigInt));
        var schema = new Schema([.. left.Schema.Columns, .. added]);
        int width = left.Schema.Count;
        bool keepEmpty = clause.Kind == JoinKind.Left;
        bool withOrdinality = u.OrdinalityColumn is not null;
        SqlRow Row(SqlRow row, object? element, long? position)
        {
            var values = new object?[schema.Count];
            for (int i = 0; i < width; i++) values[i] = row[i];
            values[width] = element;
            if (withOrdinality) values[width + 1] = position;
            return schema.Row(values);
        }
        IEnumerable<SqlRow> Rows(SqlRow row)
        {
            if (array.Eval(row) is SqlArray { Count: > 0 } items) return items.Select((e, i) => Row(row, e, i + 1L));
            return keepEmpty ? [Row(row, null, null)] : [];
        }
        return new Relation
        {
            Schema = schema, Key = left.Key, KeyColumns = left.KeyColumns, TimeColumn = left.TimeColumn,
            Stream = left.Stream!.FlatMapValues(row => Rows(row!)),
        };
    }
}
