using Braid.State;

namespace Braid.Embedded;

/// <summary>One input partition of a task and how far behind it is.</summary>
internal sealed record PartitionLagSnapshot(string Topic, int Partition, long Lag);

/// <summary>
/// A task as the dashboard shows it: which thread runs it, what it processed and dropped, the time it spent
/// processing (cumulative since the task was created), its lag per input.
/// </summary>
internal sealed record TaskSnapshot(string Thread, string Task, long Processed, long Dropped, double ProcessMs, IReadOnlyList<PartitionLagSnapshot> Inputs);

// Read-only views of the running application for the dashboard (Braid.Dashboard); no locks held by callers.
public sealed partial class BraidApplication
{
    internal TopologyDescription Describe() => TopologyDescription.From(_model);

    internal IReadOnlyList<TaskSnapshot> SnapshotTasks()
    {
        var result = new List<TaskSnapshot>();
        lock (_stateLock)
        {
            if (_disposed) return result;
            var threads = _globalThread is null ? _threads.ToList() : _threads.Append(_globalThread).ToList();
            foreach (var thread in threads)
            {
                foreach (var task in thread.Tasks)
                {
                    var inputs = task.Inputs.Select((p, i) => new PartitionLagSnapshot(p.Topic, p.Partition, task.Lag(i))).ToList();
                    double ms = task.Runtime.ProcessTicksTotal * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
                    result.Add(new TaskSnapshot(thread.Name, $"{task.Id.Subtopology}_{task.Id.Partition}", task.ProcessedTotal,
                        task.Task.Context.DroppedTotal, ms, inputs));
                }
            }
        }
        return result;
    }

    internal IReadOnlyCollection<string> StoreNames => _model.Stores.Keys.ToList();
}
