namespace Braid.Internal.Nodes;

/// <summary>
/// KStream Split: sends each record to the first branch whose predicate matches (a null predicate is
/// the default branch). A record no branch takes goes nowhere — by the user's design, so it is not counted.
/// </summary>
internal sealed class BranchNode<TKey, TValue>(string name, Func<TKey?, TValue?, bool>?[] predicates, string[] childNames)
    : ProcessorNode<TKey, TValue, TKey, TValue>(name)
{
    public override void Process(in Record<TKey, TValue> record)
    {
        for (int i = 0; i < predicates.Length; i++)
        {
            var p = predicates[i];
            if (p is null || p(record.Key, record.Value))
            {
                ForwardTo(record, childNames[i]);
                return;
            }
        }
    }
}
