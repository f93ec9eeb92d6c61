using System.Diagnostics;
using Braid.Kafka.Internal;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Braid.Kafka.Diagnostics;

/// <summary>One input partition's consumer-group lag: the partition's end minus the group's committed offset.</summary>
internal sealed record GroupLag(string Topic, int Partition, long Committed, long End)
{
    public long Lag => Math.Max(0, End - Committed);
}

/// <summary>What the cluster says about a Braid application: its live instances (announcements) and its group's lag.</summary>
internal sealed record ClusterSnapshot(IReadOnlyList<StreamsInstanceMetadata> Instances, IReadOnlyList<GroupLag> Lag, IReadOnlyList<string> Stores);

/// <summary>
/// A Braid Kafka application seen from the cluster alone (<c>braid ui --bootstrap-servers B --application-id A</c>), with
/// no access to its machines: what the cluster holds about it and nothing more.
/// <list type="bullet">
/// <item>Instances and their active and standby tasks: the announcements every instance repeats on
/// <c>&lt;A&gt;-braid-instances</c>, read by an <see cref="InstanceDirectory"/> that never announces itself (an instance
/// not heard for three heartbeats drops out, as for the instances themselves).</item>
/// <item>Lag per input partition: the group <c>A</c>'s committed offsets (admin client) against each partition's end
/// (Kafka's <c>kafka-consumer-groups --describe</c>; an idle partition written in transactions shows 1, the commit marker).</item>
/// <item>Stores: the changelog topics <c>&lt;A&gt;-&lt;store&gt;-changelog</c>.</item>
/// </list>
/// The topology, processing counters and dropped records live only in the instances' processes: this view does not have them.
/// </summary>
internal sealed class ClusterObserver : IDisposable
{
    private readonly string _applicationId;
    private readonly string _bootstrap;
    private readonly TimeSpan _timeout;
    private readonly IAdminClient _admin;
    private readonly IConsumer<byte[]?, byte[]?> _ends;
    private readonly InstanceDirectory _directory;
    private readonly object _lock = new();

    private ClusterObserver(string bootstrap, string applicationId, TimeSpan timeout, IAdminClient admin)
    {
        (_bootstrap, _applicationId, _timeout, _admin) = (bootstrap, applicationId, timeout, admin);
        var config = Config(bootstrap, timeout);
        config["group.id"] = applicationId + "-braid-ui"; // required by librdkafka; never joined nor committed to
        config["enable.auto.commit"] = "false";
        config["enable.partition.eof"] = "false";
        _ends = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        var reader = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        var unused = new ProducerBuilder<byte[]?, byte[]?>(Config(bootstrap, timeout)).SetLogHandler((_, _) => { }).Build();
        _directory = new InstanceDirectory(applicationId + "-braid-instances", "braid-ui-observer-" + Guid.NewGuid().ToString("N"), unused, reader);
    }

    public string ApplicationId => _applicationId;

    public string BootstrapServers => _bootstrap;

    /// <summary>
    /// Connects and checks that the application exists there: a cluster that does not answer within <paramref name="timeout"/>
    /// is <see cref="DiagnosticsUnavailableReason.Unreachable"/>, one without the application's instances topic
    /// <see cref="DiagnosticsUnavailableReason.UnknownApplication"/> (naming the Braid applications it does have).
    /// </summary>
    public static ClusterObserver Connect(string bootstrapServers, string applicationId, TimeSpan timeout)
    {
        var admin = new AdminClientBuilder(Config(bootstrapServers, timeout)).SetLogHandler((_, _) => { }).Build();
        try
        {
            Metadata md;
            try
            {
                md = admin.GetMetadata(timeout);
            }
            catch (KafkaException e)
            {
                throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Unreachable,
                    $"No Kafka broker at {bootstrapServers} answered within {timeout.TotalSeconds:0.#} s ({e.Error.Reason}).", e);
            }
            const string suffix = "-braid-instances";
            if (!md.Topics.Any(t => t.Topic == applicationId + suffix && t.Error.Code == ErrorCode.NoError))
            {
                var apps = md.Topics.Select(t => t.Topic).Where(t => t.EndsWith(suffix, StringComparison.Ordinal)).Select(t => t[..^suffix.Length])
                    .Order(StringComparer.Ordinal).ToList();
                throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.UnknownApplication,
                    $"The cluster at {bootstrapServers} has no Braid application '{applicationId}' (no topic {applicationId}{suffix}; " +
                    (apps.Count == 0 ? "no Braid application has run there)." : $"applications there: {string.Join(", ", apps)})."));
            }
            var observer = new ClusterObserver(bootstrapServers, applicationId, timeout, admin);
            // The announcements are fetched in the background: give them a moment, so the first page is not empty.
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3) && observer.Instances().Count == 0) Thread.Sleep(50);
            return observer;
        }
        catch
        {
            admin.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> Config(string bootstrap, TimeSpan timeout) => new()
    {
        ["bootstrap.servers"] = bootstrap,
        ["socket.timeout.ms"] = ((int)Math.Max(10, timeout.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public IReadOnlyList<StreamsInstanceMetadata> Instances()
    {
        lock (_lock)
        {
            for (int i = 0; i < 50; i++) _directory.Poll(); // 100 announcements per poll
            return _directory.Snapshot();
        }
    }

    public ClusterSnapshot Snapshot()
    {
        var instances = Instances();
        Metadata md;
        List<ListConsumerGroupOffsetsResult> offsets;
        try
        {
            md = _admin.GetMetadata(_timeout);
            offsets = GroupOffsets(null);
            if (!offsets.SelectMany(r => r.Partitions).Any())
            {
                // A broker (librdkafka's mock among them) may not answer "all partitions" (OffsetFetch with no topics): ask for
                // every partition that could be an input — not Kafka's own topics, not the application's changelogs or its
                // task and instance topics — and keep those with a committed offset.
                string own = _applicationId + "-";
                var candidates = md.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal) && t.Error.Code == ErrorCode.NoError
                        && !(t.Topic.StartsWith(own, StringComparison.Ordinal) && (t.Topic.EndsWith("-changelog", StringComparison.Ordinal) || t.Topic.Contains("-braid-", StringComparison.Ordinal))))
                    .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
                if (candidates.Count > 0) offsets = GroupOffsets(candidates);
            }
        }
        catch (KafkaException e)
        {
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Unreachable, $"The cluster at {_bootstrap} did not answer: {e.Error.Reason}.", e);
        }
        var lag = new List<GroupLag>();
        foreach (var p in offsets.SelectMany(r => r.Partitions).Where(p => p.Error.Code == ErrorCode.NoError && p.Offset.Value >= 0))
        {
            long end;
            lock (_lock) end = _ends.QueryWatermarkOffsets(p.TopicPartition, _timeout).High.Value;
            lag.Add(new GroupLag(p.Topic, p.Partition.Value, p.Offset.Value, end));
        }
        string prefix = _applicationId + "-";
        var stores = md.Topics.Select(t => t.Topic).Where(t => t.StartsWith(prefix, StringComparison.Ordinal) && t.EndsWith("-changelog", StringComparison.Ordinal))
            .Select(t => t[prefix.Length..^"-changelog".Length]).Order(StringComparer.Ordinal).ToList();
        return new ClusterSnapshot(instances, lag.OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition).ToList(), stores);
    }

    private List<ListConsumerGroupOffsetsResult> GroupOffsets(List<TopicPartition>? partitions) =>
        _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(_applicationId, partitions)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = _timeout }).GetAwaiter().GetResult();

    public void Dispose()
    {
        _directory.Dispose();
        _ends.Dispose();
        _admin.Dispose();
    }
}
