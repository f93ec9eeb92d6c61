using Braid.Internal.Tables;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// The result store of a many-to-many inner join declared without <c>Materialized</c>: declared only when a later
/// operator reads the result table (a join or lookup asks for its value getter's stores while the topology is being
/// built), so a join whose result only flows on — the timeline's GROUP BY, a <c>ToStream</c> — keeps no copy of every
/// pair (issue 19: the store was a quarter of the timeline's allocation). Without the store the match nodes
/// recompute old results (<see cref="ManyToManyMatch{TAttr,TPk,TValue,TOtherPk,TOther,TOutKey,TResult}"/>), as
/// Kafka's table–table joins do. Its name is reserved when the join is declared, so the generated names of later
/// nodes and stores do not depend on whether it is used.
/// </summary>
internal sealed class ManyToManyResultStore<TKey, TResult>(
    InternalTopologyBuilder builder, string storeName, string resultNode, Func<StoreBuilder> declare)
    : TableValueGetterSupplier<TKey, TResult>
{
    /// <summary>True once a reader asked for the store; read by the node factories at <c>Build</c>.</summary>
    public bool Declared { get; private set; }

    public string Name => storeName;

    public override string[] StoreNames
    {
        get
        {
            if (!Declared)
            {
                builder.AddStore(declare());
                builder.ConnectStores(resultNode, storeName);
                Declared = true;
            }
            return [storeName];
        }
    }

    public override ITableValueGetter<TKey, TResult> Create(TaskContext context) => Declared
        ? new StoreValueGetterSupplier<TKey, TResult>(storeName).Create(context)
        : throw new InvalidOperationException($"the result store '{storeName}' of a many-to-many join was read without being declared.");
}
