using Braid.Sql.Syntax;

namespace Braid.Sql.Binding;

/// <summary>
/// GROUP BY. Over a table: <c>KTable.GroupBy</c> (group key, member row) then <c>KGroupedTable.Collect</c>,
/// which keeps each group's members and retracts a member when its input row changes or is deleted; the
/// SELECT list is computed from the members (<see cref="AggregateSpec"/>) in <c>MapValues</c>; a group left
/// with no rows is deleted. Over a stream: <c>KStream.GroupBy</c> + <c>Aggregate</c> appending each event's
/// member (events are never retracted). The result is a table keyed by the GROUP BY values.
/// </summary>
internal sealed class AggregateBinder
{
    public Relation Bind(Relation rel, Select q)
    {
        var plan = GroupPlan.Create(rel.Schema, q);
        if (rel.IsTable)
        {
            var grouped = rel.Table!.GroupBy((_, row) => KeyValue.Pair(plan.GroupKey(row), plan.Member(row)),
                new Grouped<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
            var collected = grouped.Collect(m => m);
            return plan.Output(collected.MapValues((key, members) => plan.Result(key, members)));
        }
        var aggregated = rel.Stream!
            .GroupBy((_, row) => plan.GroupKey(row!), new Grouped<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance })
            .Aggregate(() => GroupPlan.NoMembers, (_, row, state) => GroupPlan.Append(state, plan.Member(row)),
                new Materialized<SqlRow, SqlRow> { KeySerde = SqlRowSerde.Instance, ValueSerde = SqlRowSerde.Instance });
        return plan.Output(aggregated.MapValues((key, state) => plan.Result(key, GroupPlan.Members(state))));
    }
}
