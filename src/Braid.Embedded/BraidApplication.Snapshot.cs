using Braid.Internal.Diagnostics;
using Braid.Serialization;

namespace Braid.Embedded;

// Read-only views of the running application for the dashboard (Braid.Dashboard) and the diagnostics socket; no locks held by callers.
public sealed partial class BraidApplication : IDiagnosticsTarget
{
    string IDiagnosticsTarget.ApplicationId => Options.Streams.ApplicationId;

    (string State, string? Error) IDiagnosticsTarget.Status => (State.ToString(), Error?.Message);

    TopologyDescription IDiagnosticsTarget.DescribeTopology() => TopologyDescription.From(_model);

    /// <summary>Every task with its thread; the embedded runtime has no restoring or standby tasks (its state is local and committed).</summary>
    IReadOnlyList<TaskSnapshot> IDiagnosticsTarget.SnapshotTasks()
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

    // The dead-letter topic's visible records (null while the topic does not exist yet).
    long? IDiagnosticsTarget.DeadLetterRecords(string topic)
    {
        try
        {
            return CreateReader(topic, Serdes.ByteArray, Serdes.ByteArray).Remaining;
        }
        catch (Exception e) when (e is StreamsException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }
}
