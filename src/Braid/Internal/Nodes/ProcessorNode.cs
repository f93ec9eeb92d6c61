using System.Diagnostics.CodeAnalysis;
using Braid.Internal.Runtime;

namespace Braid.Internal.Nodes;

/// <summary>
/// A node of an instantiated topology inside one task. Records travel between nodes as typed
/// <see cref="Record{TKey,TValue}"/> values through direct calls: no boxing, no serdes, no queues.
/// A node never knows which host runs it; everything host-specific is behind <see cref="TaskContext"/>.
/// </summary>
internal abstract class ProcessorNode
{
    protected ProcessorNode(string name) => Name = name;

    public string Name { get; }

    public TaskContext Context { get; private set; } = null!;

    public virtual void Init(TaskContext context) => Context = context;

    public virtual void Close() { }

    /// <summary>Wires a child; called once per edge when the task is built, in the order edges were declared.</summary>
    internal abstract void AddChild(ProcessorNode child);

    internal abstract IReadOnlyList<ProcessorNode> Children { get; }

    /// <summary>
    /// Whether this node, or a node below it, reads the old value of the table changes it receives
    /// (<see cref="Change{TValue}.Old"/>): Kafka's sendOldValues, decided from the wiring instead of by
    /// downstream operators calling back. True unless a node knows otherwise (only table–stream conversion and
    /// pass-through nodes do), so an operator that computes an old value only to have it ignored can skip it.
    /// </summary>
    internal virtual bool ReadsOldValues => true;

    /// <summary>True when any child reads old values (<see cref="ReadsOldValues"/>); decided once the task is wired.</summary>
    internal bool ChildrenReadOldValues()
    {
        foreach (var child in Children)
            if (child.ReadsOldValues) return true;
        return false;
    }

    /// <summary>Records this node forwarded (a plain field: one increment on the hot path; hosts publish it as
    /// an observable metric, read racily, which is fine for a monotonic count).</summary>
    internal long RecordsForwarded;
}

/// <summary>A node that consumes records of one key/value type.</summary>
internal abstract class ProcessorNode<TKeyIn, TValueIn> : ProcessorNode
{
    protected ProcessorNode(string name) : base(name) { }

    public abstract void Process(in Record<TKeyIn, TValueIn> record);

    /// <summary>Drops a record without a key (counted, reason <c>null-key</c>): a node keeping state per key cannot place it.</summary>
    /// <returns>True when the record was dropped.</returns>
    protected bool DropsNullKey([NotNullWhen(false)] TKeyIn? key)
    {
        if (key is not null) return false;
        Context.RecordDropped(Name, "null-key");
        return true;
    }
}

/// <summary>A node that consumes one record type and forwards another to its children.</summary>
internal abstract class ProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut> : ProcessorNode<TKeyIn, TValueIn>
{
    private ProcessorNode<TKeyOut, TValueOut>[] _children = [];

    protected ProcessorNode(string name) : base(name) { }

    internal override IReadOnlyList<ProcessorNode> Children => _children;

    internal override void AddChild(ProcessorNode child)
    {
        if (child is not ProcessorNode<TKeyOut, TValueOut> typed)
        {
            throw new TopologyException(
                $"node '{child.Name}' cannot consume the output of '{Name}' " +
                $"(it emits {typeof(TKeyOut).Name}/{typeof(TValueOut).Name}).");
        }
        _children = [.. _children, typed];
    }

    /// <summary>
    /// Hands a record to every child. An exception a child throws goes to the processing exception handler
    /// at that child (Kafka's <c>ProcessorNode.process</c>, KIP-1033): Continue drops the record there and the
    /// remaining children still get it; Fail throws a <see cref="RecordProcessingException"/>, which the
    /// filter lets pass through every ancestor unhandled. The try block costs nothing unless something throws.
    /// </summary>
    protected void Forward(in Record<TKeyOut, TValueOut> record)
    {
        RecordsForwarded++;
        var children = _children;
        for (int i = 0; i < children.Length; i++)
        {
            try
            {
                children[i].Process(record);
            }
            catch (Exception e) when (RecordFailures.IsHandledAtNode(e))
            {
                RecordFailures.OnProcessingError(children[i], record.Key, record.Value, record.Timestamp, e);
            }
        }
    }

    protected void ForwardTo(in Record<TKeyOut, TValueOut> record, string childName)
    {
        foreach (var child in _children)
        {
            if (child.Name == childName)
            {
                RecordsForwarded++;
                try
                {
                    child.Process(record);
                }
                catch (Exception e) when (RecordFailures.IsHandledAtNode(e))
                {
                    RecordFailures.OnProcessingError(child, record.Key, record.Value, record.Timestamp, e);
                }
                return;
            }
        }
        throw new StreamsException($"Processor '{Name}' has no child named '{childName}'.");
    }
}
