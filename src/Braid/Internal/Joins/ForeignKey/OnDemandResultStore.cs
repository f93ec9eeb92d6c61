using Braid.Internal.Tables;
using Braid.State;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// The result store of a join declared without <c>Materialized</c> — a many-to-many inner join or a foreign-key join —
/// declared only when something needs it while the topology is being built: a later operator that reads the result
/// table (a join or lookup asks for its value getter's stores), or, for the foreign-key join, one that needs each
/// change's old value (<see cref="Declare"/>, from the result table's <c>EnableSendingOldValues</c> and
/// <c>KeepOldValues</c>). A join whose result only flows on — the timeline's GROUP BY, a <c>ToStream</c> — then keeps
/// no copy of every result (issue 19: the many-to-many store was a quarter of the timeline's allocation; the
/// foreign-key result store was one store write per output). Without the store the many-to-many match nodes recompute
/// old results (<see cref="ManyToManyMatch{TAttr,TPk,TValue,TOtherPk,TOther,TOutKey,TResult}"/>), as Kafka's
/// table–table joins do; the foreign-key resolver forwards no old value, as Kafka's unmaterialized FK result
/// (<c>KTableImpl.doJoinOnForeignKey</c>: its <c>KTableSource</c> keeps a store only when queryable or when
/// <c>enableSendingOldValues</c> forces it; <c>TableProcessorNode</c> adds the store only then). Its name is
/// reserved when the join is declared, so the generated names of later nodes and stores do not depend on whether it
/// is used.
/// </summary>
internal sealed class OnDemandResultStore<TKey, TResult>(
    InternalTopologyBuilder builder, string storeName, string resultNode, Func<StoreBuilder> declare)
    : TableValueGetterSupplier<TKey, TResult>
{
    /// <summary>True once a reader asked or an operator below asked for old values (Declare) for the store; read by the node factories at <c>Build</c>.</summary>
    public bool Declared { get; private set; }

    public string Name => storeName;

    /// <summary>Declares the store (once) and connects it to the node that writes it.</summary>
    public void Declare()
    {
        if (Declared) return;
        builder.AddStore(declare());
        builder.ConnectStores(resultNode, storeName);
        Declared = true;
    }

    public override string[] StoreNames
    {
        get
        {
            Declare();
            return [storeName];
        }
    }

    public override ITableValueGetter<TKey, TResult> Create(TaskContext context) => Declared
        ? new StoreValueGetterSupplier<TKey, TResult>(storeName).Create(context)
        : throw new InvalidOperationException($"the result store '{storeName}' of a join was read without being declared.");
}
