using System.Diagnostics;
using Braid.Internal.Nodes;
using Braid.Internal.Telemetry;
using Braid.Internal.Runtime;
using Braid.Processors;
using Braid.State;

namespace Braid.Internal;

/// <summary>
/// One task: the instantiated nodes of some sub-topologies for one partition, their stores, and the
/// task clock. The host hands it input records one at a time (in the order it chooses, normally lowest
/// timestamp first across inputs) and tells it about wall-clock time.
/// </summary>
internal sealed class StreamTask(TaskId id, TaskContext context, List<ProcessorNode> nodes, Dictionary<string, ISourceNode> sources,
    Dictionary<string, IStateStore> stores)
{
    private readonly Dictionary<string, ISourceNode> _sources = sources;
    private readonly string _idText = id.ToString();
    private bool _initialized;

    public TaskId Id { get; } = id;

    public TaskContext Context { get; } = context;

    public IReadOnlyList<ProcessorNode> Nodes { get; } = nodes;

    public IReadOnlyDictionary<string, IStateStore> Stores { get; } = stores;

    public IEnumerable<string> InputTopics => _sources.Keys;

    public bool Reads(string topic) => _sources.ContainsKey(topic);

    public void Initialize()
    {
        if (_initialized) return;
        foreach (var n in Nodes) n.Init(Context);
        _initialized = true;
    }

    /// <summary>Processes one input record, then fires stream-time punctuations that became due.</summary>
    public void Process(in RawRecord record) => Process(record, null);

    /// <summary>As <see cref="Process(in RawRecord)"/>, for a record handed over as objects by a sink of this task;
    /// <paramref name="record"/> carries its topic, partition, offset and timestamp (no bytes).</summary>
    public void Process(in RawRecord record, IHandedOffRecord? handedOff)
    {
        if (!_sources.TryGetValue(record.Topic, out var source))
            throw new UnknownTopicException(record.Topic, $"task {Id} has no source for it.");
        Process(source, record, handedOff);
    }

    /// <summary>This task's source node for <paramref name="topic"/>, or null: a host that keeps it per topic
    /// (the test driver) passes it to <see cref="Process(ISourceNode, in RawRecord, IHandedOffRecord?)"/> and
    /// skips the topic lookup of every record.</summary>
    public ISourceNode? SourceFor(string topic) => _sources.GetValueOrDefault(topic);

    /// <summary>As <see cref="Process(in RawRecord, IHandedOffRecord?)"/>, with the record's source node already found
    /// (<see cref="SourceFor"/> of <paramref name="record"/>'s topic).</summary>
    public void Process(ISourceNode source, in RawRecord record, IHandedOffRecord? handedOff)
    {
        if (record.Timestamp < 0)
        {
            throw new StreamsException(
                $"Record at {record.Topic}-{record.Partition}@{record.Offset} has a negative timestamp ({record.Timestamp}); " +
                "Braid needs event time in ms since the epoch. Set the timestamp when producing.");
        }
        Context.AdvanceStreamTime(record.Timestamp);
        Context.BeginRecord(record, handedOff);
        // Telemetry: a span when a tracer listens, a duration when the histogram is observed; otherwise two checks.
        var span = BraidTracing.StartProcess(record, _idText, Context.Config.ApplicationId);
        long started = BraidMetrics.MessagingProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        Exception? failure = null;
        try
        {
            if (handedOff is null) source.ProcessRaw(record);
            else handedOff.Deliver(source, record);
            if (!Context.StreamTimePunctuations.IsEmpty && Context.StreamTime != long.MinValue)
                Context.StreamTimePunctuations.MayPunctuate(Context.StreamTime);
        }
        catch (Exception e) when (e is not RecordProcessingException)
        {
            // Children's failures were handled at their node; what reaches here failed in the source node itself,
            // a stream-time punctuator, or storage: it ends the task, named (Kafka's StreamTask.process wraps too).
            failure = e;
            throw RecordFailures.Unhandled(Context, source.Name, record.Timestamp, e);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            Context.EndRecord();
            BraidTracing.Stop(span, failure);
            if (started != 0) RecordProcessed(record.Topic, started, failure);
            else if (BraidMetrics.MessagingConsumed.Enabled) RecordProcessed(record.Topic, 0, failure);
        }
    }

    private static void RecordProcessed(string topic, long started, Exception? failure)
    {
        var system = new KeyValuePair<string, object?>("messaging.system", BraidTracing.MessagingSystem);
        var destination = new KeyValuePair<string, object?>("messaging.destination.name", topic);
        var operation = new KeyValuePair<string, object?>("messaging.operation.name", "process");
        BraidMetrics.MessagingConsumed.Add(1, system, destination, operation);
        if (started == 0) return;
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (failure is null) BraidMetrics.MessagingProcessDuration.Record(seconds, system, destination, operation);
        else BraidMetrics.MessagingProcessDuration.Record(seconds, system, destination, operation, new("error.type", failure.GetType().FullName));
    }

    /// <summary>Fires due wall-clock punctuations; a punctuator that throws goes to the processing exception
    /// handler (as Kafka's <c>StreamTask.punctuate</c>), with no source record in its context.</summary>
    public bool PunctuateWallClock(long now)
    {
        try
        {
            return Context.WallClockPunctuations.MayPunctuate(now);
        }
        catch (Exception e) when (RecordFailures.IsHandledAtNode(e))
        {
            RecordFailures.OnPunctuationError(Context, now, e);
            return true;
        }
    }

    public void Flush()
    {
        foreach (var s in Stores.Values) s.Flush();
    }

    public void Close()
    {
        foreach (var n in Nodes) n.Close();
        foreach (var s in Stores.Values) s.Close();
    }
}
