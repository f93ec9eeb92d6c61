using Braid.Internal.Nodes;

namespace Braid;

/// <summary>
/// Builds the branches of <see cref="KStream{TKey,TValue}.Split"/>: each record goes to the first branch
/// whose predicate accepts it; <see cref="DefaultBranch"/> takes the rest.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class BranchedKStream<TKey, TValue>
{
    private readonly KStream<TKey, TValue> _source;
    private readonly string _prefix;
    private readonly List<Func<TKey?, TValue?, bool>?> _predicates = new();
    private readonly List<string> _names = new();
    private readonly Dictionary<string, KStream<TKey, TValue>> _result = new();
    private bool _done;

    internal BranchedKStream(KStream<TKey, TValue> source, string prefix)
    {
        _source = source;
        _prefix = prefix;
    }

    /// <summary>Adds a branch.</summary>
    /// <param name="predicate">Which records the branch takes.</param>
    /// <param name="name">Suffix of the branch name (the result key is prefix + name); a number when null.</param>
    /// <returns>This builder.</returns>
    public BranchedKStream<TKey, TValue> Branch(Func<TKey?, TValue?, bool> predicate, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Add(predicate, name);
    }

    /// <summary>Adds the default branch (all records no other branch took) and finishes.</summary>
    /// <param name="name">Suffix of the branch name; "0"-style number when null.</param>
    /// <returns>The branches by name.</returns>
    public IReadOnlyDictionary<string, KStream<TKey, TValue>> DefaultBranch(string? name = null)
    {
        Add(null, name);
        return NoDefaultBranch();
    }

    /// <summary>Finishes without a default branch (records no branch takes are not forwarded).</summary>
    /// <returns>The branches by name.</returns>
    public IReadOnlyDictionary<string, KStream<TKey, TValue>> NoDefaultBranch()
    {
        if (_done) return _result;
        _done = true;
        var preds = _predicates.ToArray();
        var names = _names.ToArray();
        var b = _source.B;
        b.AddProcessor(_prefix, () => new BranchNode<TKey, TValue>(_prefix, preds, names), _source.NodeName);
        foreach (var n in names)
        {
            b.AddProcessor(n, () => new PassThroughNode<TKey, TValue>(n), _prefix);
            _result[n] = new KStream<TKey, TValue>(_source.Builder, n, _source.KeySerde, _source.ValueSerde, _source.RepartitionRequired);
        }
        return _result;
    }

    private BranchedKStream<TKey, TValue> Add(Func<TKey?, TValue?, bool>? predicate, string? name)
    {
        if (_done) throw new TopologyException($"split '{_prefix}' is already finished.");
        string full = _prefix + (name ?? (_names.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_names.Contains(full)) throw new TopologyException($"split '{_prefix}' has two branches named '{full}'.");
        _predicates.Add(predicate);
        _names.Add(full);
        return this;
    }
}
