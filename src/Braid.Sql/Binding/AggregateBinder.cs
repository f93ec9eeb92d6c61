using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// GROUP BY. Over a table: <c>KTable.GroupBy</c> (group key, member row) then <c>KGroupedTable.Collect</c>,
/// which keeps each group's members and retracts a member when its input row changes or is deleted; the
/// SELECT list is computed from the members (<see cref="AggregateSpec"/>) in <c>MapValues</c>; a group left
/// with no rows is deleted. Over a stream: <c>KStream.GroupBy</c> + <c>Aggregate</c> appending each event's
/// member (events are never retracted), except that a tombstone of a stream with KEY columns, when the GROUP BY
/// is exactly those columns, empties its group, which deletes the group's row. HAVING that is not TRUE leaves
/// the group out (a row that stops matching is deleted). The result is a table keyed by the GROUP BY values.
/// </summary>
internal sealed class AggregateBinder
{
    /// <summary>The value a tombstone travels as through the group-by repartition: a row of no columns (every event row has some).</summary>
    private static readonly SqlRow Tombstone = SqlRow.Unchecked([], []);

    public Relation Bind(Relation rel, Select q, KStream<SqlRow, SqlRow>? deletes)
    {
        var plan = GroupPlan.Create(rel.Schema, q);
        var grouping = new Grouped<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance };
        if (rel.IsTable)
        {
            var grouped = rel.Table!.GroupBy((_, row) => KeyValue.Pair(plan.GroupKey(row), plan.Member(row)), grouping);
            var collected = grouped.Collect(m => m);
            return plan.Output(collected.MapValues((key, members) => plan.Result(key, members)!));
        }
        var fromKey = deletes is null ? null : GroupFromKey(rel, q);
        var events = rel.Stream!;
        if (fromKey is not null)
            events = events.Merge(deletes!.MapValues(_ => Tombstone));
        var aggregated = events
            .GroupBy((key, row) => row!.Count == 0 ? Keys.Of(key!, fromKey!) : plan.GroupKey(row), grouping)
            .Aggregate(() => GroupPlan.NoMembers, (_, row, state) => row.Count == 0 ? GroupPlan.NoMembers : GroupPlan.Append(state, plan.Member(row)),
                new Materialized<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
        // An emptied group (only a tombstone empties one) has no row: MapValues' null deletes it downstream.
        return plan.Output(aggregated.MapValues((key, state) => GroupPlan.Members(state) is { Count: > 0 } members ? plan.Result(key, members)! : null!));
    }

    /// <summary>
    /// When GROUP BY is exactly the stream's KEY columns (any order): for each GROUP BY value, its position in
    /// the record key. Otherwise null: the tombstones name no group and are skipped like any null-valued record.
    /// </summary>
    private static int[]? GroupFromKey(Relation rel, Select q)
    {
        if (q.GroupBy.Count != rel.Key.Length) return null;
        var positions = new int[q.GroupBy.Count];
        for (int i = 0; i < positions.Length; i++)
        {
            if (q.GroupBy[i] is not ColumnRef c) return null;
            int column;
            try
            {
                column = rel.Schema.Resolve(c);
            }
            catch (SqlException)
            {
                return null;
            }
            positions[i] = Array.IndexOf(rel.Key, column);
            if (positions[i] < 0 || positions[..i].Contains(positions[i])) return null;
        }
        return positions;
    }
}
