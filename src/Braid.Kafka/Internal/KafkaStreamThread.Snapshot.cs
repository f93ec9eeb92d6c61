using System.Diagnostics;
using Braid.Internal.Diagnostics;

namespace Braid.Kafka.Internal;

// The dashboard's view of one stream thread (BraidKafkaApplication.Diagnostics.cs), read under the thread's query lock.
internal sealed partial class KafkaStreamThread
{
    /// <summary>
    /// This thread's running and restoring tasks for the dashboard (call under <see cref="QueryLock"/>): records processed and
    /// dropped, processing time, lag per input partition (real topic names), and for a restoring task the changelog records left.
    /// </summary>
    public List<TaskSnapshot> SnapshotTasks()
    {
        var result = new List<TaskSnapshot>();
        if (_tasks is null || _stop) return result;
        foreach (var t in _tasks.Running)
        {
            var inputs = t.Inputs.Select((tp, i) => new PartitionLagSnapshot(tp.Topic, tp.Partition.Value,
                _input!.LagOf(tp, t.Runtime.Consumed(i), t.Runtime.Group.BufferedCount(i)))).ToList();
            result.Add(new(Name, KafkaTask.Name(t.Id), t.Runtime.ProcessedTotal, t.Task.Context.DroppedTotal,
                t.Runtime.ProcessTicksTotal * 1000.0 / Stopwatch.Frequency, inputs));
        }
        foreach (var t in _restorer!.Tasks)
            result.Add(new(Name, KafkaTask.Name(t.Id), 0, 0, 0, [], TaskSnapshot.Restoring, _restorer.Remaining(t)));
        return result;
    }
}
