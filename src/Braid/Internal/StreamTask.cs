using Braid.Internal.Nodes;
using Braid.Processors;
using Braid.State;

namespace Braid.Internal;

/// <summary>
/// One task: the instantiated nodes of some sub-topologies for one partition, their stores, and the
/// task clock. The host hands it input records one at a time (in the order it chooses, normally lowest
/// timestamp first across inputs) and tells it about wall-clock time.
/// </summary>
internal sealed class StreamTask
{
    private readonly Dictionary<string, ISourceNode> _sources;
    private bool _initialized;

    public StreamTask(TaskId id, TaskContext context, List<ProcessorNode> nodes, Dictionary<string, ISourceNode> sources,
        Dictionary<string, IStateStore> stores)
    {
        Id = id;
        Context = context;
        Nodes = nodes;
        _sources = sources;
        Stores = stores;
    }

    public TaskId Id { get; }

    public TaskContext Context { get; }

    public List<ProcessorNode> Nodes { get; }

    public Dictionary<string, IStateStore> Stores { get; }

    public IEnumerable<string> InputTopics => _sources.Keys;

    public bool Reads(string topic) => _sources.ContainsKey(topic);

    public void Initialize()
    {
        if (_initialized) return;
        foreach (var n in Nodes) n.Init(Context);
        _initialized = true;
    }

    /// <summary>Processes one input record, then fires stream-time punctuations that became due.</summary>
    public void Process(in RawRecord record)
    {
        if (!_sources.TryGetValue(record.Topic, out var source))
            throw new UnknownTopicException(record.Topic, $"task {Id} has no source for it.");
        if (record.Timestamp < 0)
        {
            throw new StreamsException(
                $"Record at {record.Topic}-{record.Partition}@{record.Offset} has a negative timestamp ({record.Timestamp}); " +
                "Braid needs event time in ms since the epoch. Set the timestamp when producing.");
        }
        Context.AdvanceStreamTime(record.Timestamp);
        Context.RecordMetadata = new RecordMetadata(record.Topic, record.Partition, record.Offset);
        source.ProcessRaw(record);
        Context.RecordMetadata = null;
        if (!Context.StreamTimePunctuations.IsEmpty && Context.StreamTime != long.MinValue)
            Context.StreamTimePunctuations.MayPunctuate(Context.StreamTime);
    }

    public bool PunctuateWallClock(long now) => Context.WallClockPunctuations.MayPunctuate(now);

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
