using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Logs;

/// <summary>The partitions of one local topic.</summary>
internal sealed class TopicLog(string name, TopicOptions options, PartitionLog[] partitions, bool writtenByApplication)
{
    public string Name { get; } = name;

    public TopicOptions Options { get; } = options;

    public PartitionLog[] Partitions { get; } = partitions;

    /// <summary>True for topics the topology's sinks write (internal and output topics): under
    /// exactly-once their visible end is the committed high-water mark and restart truncates to it.</summary>
    public bool WrittenByApplication { get; } = writtenByApplication;
}

/// <summary>Opens and holds every local topic of an application under <c>&lt;app dir&gt;/topics</c>.</summary>
internal sealed class LogManager : IDisposable
{
    private readonly Dictionary<string, TopicLog> _topics = new();
    private readonly string _root;
    private readonly BraidApplicationOptions _options;
    private readonly ILoggerFactory _loggers;

    public LogManager(string appDirectory, BraidApplicationOptions options)
    {
        _root = Path.Combine(appDirectory, "topics");
        _options = options;
        _loggers = options.Streams.LoggerFactory;
    }

    /// <summary>The application's injected clock (retention is measured against it).</summary>
    public TimeProvider Clock => _options.Streams.TimeProvider;

    public IReadOnlyDictionary<string, TopicLog> Topics => _topics;

    /// <summary>Opens a topic, recovering each partition under the plan's rule (partition count checked first).</summary>
    public TopicLog Open(string topic, int partitions, bool writtenByApplication, LogRecoveryPlan plan)
    {
        lock (_topics)
        {
            if (_topics.TryGetValue(topic, out var existing)) return existing;
            plan.CheckPartitionCount(topic, partitions, Path.Combine(_root, topic));
            return OpenNew(topic, partitions, writtenByApplication, p => plan.RuleFor(topic, p, writtenByApplication));
        }
    }

    /// <summary>Opens a topic cutting each partition back to <paramref name="committedEnd"/> when given (no other checks).</summary>
    public TopicLog Open(string topic, int partitions, bool writtenByApplication, Func<int, long?> committedEnd)
    {
        lock (_topics)
        {
            if (_topics.TryGetValue(topic, out var existing)) return existing;
            return OpenNew(topic, partitions, writtenByApplication, p => LogRecoveryRule.For(committedEnd(p)));
        }
    }

    private TopicLog OpenNew(string topic, int partitions, bool writtenByApplication, Func<int, LogRecoveryRule> rule)
    {
        var opts = _options.TopicOptionsFor(topic);
        int n = partitions;
        var logger = _loggers.CreateLogger("Braid.Embedded.Log");
        var parts = new PartitionLog[n];
        for (int p = 0; p < n; p++)
        {
            parts[p] = PartitionLog.Open(topic, p, Path.Combine(_root, topic, p.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                opts.SegmentBytes ?? _options.SegmentBytes, rule(p), logger, _options.LogFiles);
        }
        var t = new TopicLog(topic, opts, parts, writtenByApplication);
        _topics[topic] = t;
        return t;
    }

    public TopicLog Get(string topic)
    {
        lock (_topics)
        {
            return _topics.TryGetValue(topic, out var t) ? t : throw new UnknownTopicException(topic, $"the application has topics [{string.Join(", ", _topics.Keys)}].");
        }
    }

    public bool TryGet(string topic, out TopicLog log)
    {
        lock (_topics) return _topics.TryGetValue(topic, out log!);
    }

    public void Dispose()
    {
        foreach (var t in _topics.Values)
        {
            foreach (var p in t.Partitions) p.Dispose();
        }
    }
}
