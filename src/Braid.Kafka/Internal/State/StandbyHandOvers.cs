using Braid.Processors;
using Confluent.Kafka;

namespace Braid.Kafka.Internal.State;

/// <summary>What happened to an in-memory hand-over (<see cref="StandbyHandOvers"/>).</summary>
internal enum HandOverStep
{
    /// <summary>A standby was promoted: its stores wait for the stream thread's restore.</summary>
    Given,

    /// <summary>The stream thread's restore began with them (terminal).</summary>
    Taken,

    /// <summary>The task was revoked (or closed) before its restore began: the stores came back to the standby updater.</summary>
    Dropped,

    /// <summary>A standby of the task reopened with the dropped stores, reading on from their positions (terminal).</summary>
    Reopened,

    /// <summary>The task was claimed again before any standby reopened: the same stores and positions were given again (terminal).</summary>
    Reclaimed,

    /// <summary>The stores were closed and forgotten: no standby of the task is kept here, or the updater stopped (terminal).</summary>
    Disposed,
}

/// <summary>One step of a hand-over, with the positions its stores held then (test hook: <see cref="StandbyHandOvers.Log"/>).</summary>
internal sealed record HandOverEvent(TaskId Task, InMemoryHandOver HandOver, HandOverStep Step, IReadOnlyDictionary<TopicPartition, long> Positions);

/// <summary>
/// The in-memory hand-overs of one instance's <see cref="StandbyUpdater"/> that are not settled yet, and the rule for one
/// dropped because the task was revoked before its restore began (a rebalance right after the assignment): its stores
/// are returned to the updater, which either reopens the task's standby with them (reading on from their positions: the
/// store objects and what they hold are reused, nothing is re-read) or closes them when this instance keeps no standby
/// of the task. They are never left referenced, and never handed to a later claim once a standby applied records to
/// them: a later claim gets the reopened standby's stores with its own applied positions. Kafka decides the same case in
/// <c>TaskManager.handleAssignment</c>: a revoked active task that was still restoring (or pending initialisation) is
/// recycled into a standby when the new assignment keeps one here (<c>StandbyTaskCreator.createStandbyTaskFromActive</c>,
/// stores kept), else closed clean (checkpoint written; in-memory stores dropped).
/// <para>Every method is called under the updater's lock.</para>
/// </summary>
internal sealed class StandbyHandOvers
{
    private readonly Dictionary<TaskId, InMemoryHandOver> _given = new();
    private readonly Dictionary<TaskId, InMemoryHandOver> _returned = new();
    private readonly List<HandOverEvent> _log = new();

    /// <summary>Test hook: while set, every step is logged (<see cref="Log"/>); off in production (the log would grow).</summary>
    public bool Recording { get; set; }

    /// <summary>Hand-overs given but not taken, and dropped ones not reopened nor disposed yet.</summary>
    public int Outstanding => _given.Count + _returned.Count;

    /// <summary>The steps logged while <see cref="Recording"/>, in order (a copy).</summary>
    public IReadOnlyList<HandOverEvent> Log => _log.ToList();

    /// <summary>A promoted standby's stores wait for the stream thread. One given before and never settled would be a bug: it is closed, not overwritten.</summary>
    public void Give(TaskId id, InMemoryHandOver handOver)
    {
        if (_given.Remove(id, out var old)) Dispose(id, old);
        _given[id] = handOver;
        Note(id, handOver, HandOverStep.Given);
    }

    /// <summary>The stream thread begins the task's restore with the stores, once; null when none is waiting.</summary>
    public InMemoryHandOver? Take(TaskId id)
    {
        if (!_given.Remove(id, out var h)) return null;
        Note(id, h, HandOverStep.Taken);
        return h;
    }

    /// <summary>The task was closed before its restore began: its stores come back; the updater's next placement settles them.</summary>
    public void Drop(TaskId id)
    {
        if (!_given.Remove(id, out var h)) return;
        Note(id, h, HandOverStep.Dropped);
        if (_returned.Remove(id, out var older)) Dispose(id, older);
        _returned[id] = h;
    }

    /// <summary>Claimed again before a standby reopened: nothing was applied to the returned stores since, so they are given again as they are.</summary>
    public void Reclaim(TaskId id)
    {
        if (!_returned.Remove(id, out var h)) return;
        Note(id, h, HandOverStep.Reclaimed);
        Give(id, h with { });
    }

    /// <summary>
    /// The returned stores of <paramref name="id"/> for its standby reopening now (null when none; the caller logs
    /// <see cref="Reopened"/>). Only while every position lies within its changelog's <paramref name="bounds"/>: else the
    /// changelog was re-created or truncated under them, so they are closed and the standby starts afresh.
    /// </summary>
    public InMemoryHandOver? TakeReturned(TaskId id, Func<TopicPartition, WatermarkOffsets> bounds)
    {
        if (!_returned.Remove(id, out var h)) return null;
        foreach (var (tp, p) in h.Positions)
        {
            var wm = bounds(tp);
            if (p < wm.Low.Value || p > wm.High.Value)
            {
                Dispose(id, h);
                return null;
            }
        }
        return h;
    }

    /// <summary>A returned hand-over reopened as the task's standby, from <paramref name="from"/>.</summary>
    public void Reopened(TaskId id, InMemoryHandOver handOver, IReadOnlyDictionary<TopicPartition, long> from) =>
        Note(id, handOver, HandOverStep.Reopened, from);

    /// <summary>Closes every returned hand-over left after placement (no standby of their task is kept here).</summary>
    public void DisposeReturned()
    {
        foreach (var (id, h) in _returned.ToList()) Dispose(id, h);
        _returned.Clear();
    }

    /// <summary>The updater stops: closes every unsettled hand-over.</summary>
    public void DisposeAll()
    {
        DisposeReturned();
        foreach (var (id, h) in _given.ToList()) Dispose(id, h);
        _given.Clear();
    }

    /// <summary>Closes a hand-over's stores (a returned one that cannot be reused, e.g. its changelog was re-created).</summary>
    public void Dispose(TaskId id, InMemoryHandOver handOver)
    {
        handOver.Stores.CloseAll();
        Note(id, handOver, HandOverStep.Disposed);
    }

    private void Note(TaskId id, InMemoryHandOver h, HandOverStep step, IReadOnlyDictionary<TopicPartition, long>? positions = null)
    {
        if (Recording) _log.Add(new HandOverEvent(id, h, step, positions ?? h.Positions));
    }
}
