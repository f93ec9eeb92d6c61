using System.Diagnostics;
using Braid.Internal.Diagnostics;

namespace Braid.Kafka.Internal;

// The dashboard's view of one stream thread (BraidKafkaApplication.Diagnostics.cs). The thread publishes which tasks it runs
// and restores at every loop (under its query lock, where they change); the dashboard reads them without that lock, because the
// thread holds it through a whole batch (up to 1000 records per task): read under it, lag would only ever be seen between
// batches, i.e. at 0. The counters read are single longs/ints the stream thread writes (a read sees the old or the new value).
internal sealed partial class KafkaStreamThread
{
    private volatile VisibleTasks _visible = new([], []);

    private sealed record VisibleTasks(IReadOnlyList<KafkaTask> Running, IReadOnlyList<(string Task, long Remaining)> Restoring);

    /// <summary>Publishes this thread's running and restoring tasks for <see cref="SnapshotTasks"/> (called by the thread, under <see cref="QueryLock"/>).</summary>
    private void PublishTasks()
    {
        // After Refresh, _runnable is the running tasks in order; unchanged when every published task still runs (as Refresh checks).
        var current = _visible;
        bool same = current.Running.Count == _runnable.Count && current.Running.All(t => t.Running) && current.Restoring.Count == 0 && !_restorer!.Active;
        if (!same)
            _visible = new VisibleTasks(_runnable.ToList(), _restorer!.Tasks.Select(t => (KafkaTask.Name(t.Id), _restorer.Remaining(t))).ToList());
    }

    /// <summary>
    /// This thread's running and restoring tasks for the dashboard (any thread): records processed and dropped, processing
    /// time, lag per input partition (real topic names; see <see cref="InputFetcher.LagOf"/>), and for a restoring task the
    /// changelog records left as of the thread's last loop.
    /// </summary>
    public List<TaskSnapshot> SnapshotTasks()
    {
        var result = new List<TaskSnapshot>();
        var visible = _visible;
        if (_stop || _input is not { } input) return result;
        try
        {
            foreach (var t in visible.Running)
            {
                var inputs = t.Inputs.Select((tp, i) => new PartitionLagSnapshot(tp.Topic, tp.Partition.Value,
                    input.LagOf(tp, t.Runtime.Consumed(i), t.Runtime.Group.BufferedCount(i)))).ToList();
                result.Add(new(Name, KafkaTask.Name(t.Id), t.Runtime.ProcessedTotal, t.Task.Context.DroppedTotal,
                    t.Runtime.ProcessTicksTotal * 1000.0 / Stopwatch.Frequency, inputs));
            }
        }
        catch (ObjectDisposedException)
        {
            return []; // the thread stopped under us: it has no tasks now
        }
        foreach (var (task, remaining) in visible.Restoring) result.Add(new(Name, task, 0, 0, 0, [], TaskSnapshot.Restoring, remaining));
        return result;
    }
}
