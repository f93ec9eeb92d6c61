using Braid.Internal.Nodes;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// The result node of a many-to-many inner join without a result store: forwards both match nodes' changes, whose
/// old results the match nodes recompute (see <see cref="OnDemandResultStore{TKey,TResult}"/>).
/// <list type="bullet">
/// <item>State: none.</item>
/// <item>Emit rule: every change as it arrives (the match nodes already drop removals of pairs that had no result).</item>
/// <item>Time rule: unchanged.</item>
/// <item>Absence: unchanged (null keys cannot arrive: result keys are pairs of primary keys).</item>
/// </list>
/// </summary>
internal sealed class ManyToManyResultMerge<TKey, TResult>(string name)
    : ProcessorNode<TKey, Change<TResult>, TKey, Change<TResult>>(name)
{
    public override void Process(in Record<TKey, Change<TResult>> record) => Forward(record);
}
