using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// Which instance runs which task, for interactive queries. Confluent.Kafka has no custom assignor
/// user data (where Kafka Streams carries <c>application.server</c>), so each instance announces its
/// endpoint and tasks on a compacted one-partition topic after every assignment change and reads
/// everyone's announcements back. A clean shutdown writes a tombstone.
/// </summary>
internal sealed class InstanceDirectory : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly string _topic;
    private bool _disposed;
    private readonly ConcurrentDictionary<string, string[]> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string[]> _threadTasks = new();
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal); // Environment.TickCount64 at the last announcement read
    private readonly object _pollLock = new();

    public InstanceDirectory(string topic, string self, IProducer<byte[]?, byte[]?> producer, IConsumer<byte[]?, byte[]?> consumer)
    {
        _topic = topic;
        Self = self;
        _producer = producer;
        _consumer = consumer;
        _consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
    }

    public string Self { get; }

    /// <summary>Announces this instance's tasks: the union over its stream threads, each reporting its own (by thread index).</summary>
    public void Announce(int thread, IEnumerable<string> tasks)
    {
        string[] list;
        lock (_threadTasks)
        {
            _threadTasks[thread] = tasks.ToArray();
            list = _threadTasks.Values.SelectMany(t => t).Distinct().Order(StringComparer.Ordinal).ToArray();
        }
        _instances[Self] = list;
        Send(Encoding.UTF8.GetBytes(string.Join(',', list)));
    }

    public void Withdraw()
    {
        _instances.TryRemove(Self, out _);
        Send(null);
        _producer.Flush(TimeSpan.FromSeconds(5));
    }

    /// <summary>Reads new announcements; several stream threads call it, one at a time.</summary>
    public void Poll()
    {
        if (!Monitor.TryEnter(_pollLock)) return; // another thread is reading them right now
        try
        {
            PollLocked();
        }
        finally
        {
            Monitor.Exit(_pollLock);
        }
    }

    private void PollLocked()
    {
        for (int i = 0; i < 100; i++)
        {
            var r = _consumer.Consume(TimeSpan.Zero);
            if (r is null) return;
            if (r.IsPartitionEOF || r.Message.Key is null) continue;
            string host = Encoding.UTF8.GetString(r.Message.Key);
            if (host == Self) continue; // our own view is always current
            if (r.Message.Value is null)
            {
                _instances.TryRemove(host, out _);
                _lastSeen.TryRemove(host, out _);
            }
            else
            {
                _instances[host] = Encoding.UTF8.GetString(r.Message.Value).Split(',', StringSplitOptions.RemoveEmptyEntries);
                _lastSeen[host] = Environment.TickCount64;
            }
        }
    }

    /// <summary>Announces this instance's tasks again, unchanged: a heartbeat, so others can tell it is alive (see <see cref="Live"/>).</summary>
    public void Heartbeat()
    {
        if (_instances.TryGetValue(Self, out var mine)) Send(Encoding.UTF8.GetBytes(string.Join(',', mine)));
    }

    /// <summary>
    /// The instances heard from within <paramref name="window"/> (this one always), with their tasks. A killed instance writes
    /// no tombstone; it drops out once its heartbeats stop. Measured on this process's monotonic clock at reading time,
    /// so instances' clocks need not agree.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Live(TimeSpan window)
    {
        long now = Environment.TickCount64;
        var live = _instances.Where(kv => kv.Key == Self || (_lastSeen.TryGetValue(kv.Key, out long seen) && now - seen <= window.TotalMilliseconds))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        live.TryAdd(Self, []);
        return live;
    }

    /// <summary>Instances and their tasks; a task moving between instances may show on both for a moment.</summary>
    public IReadOnlyList<StreamsInstanceMetadata> Snapshot() =>
        _instances.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new StreamsInstanceMetadata(kv.Key, kv.Value)).ToList();

    /// <summary>The host running a task; our own claim wins over a stale announcement of another instance.</summary>
    public string? HostOf(string task)
    {
        if (_instances.TryGetValue(Self, out var mine) && mine.Contains(task)) return Self;
        return _instances.Where(kv => kv.Value.Contains(task)).Select(kv => kv.Key).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private void Send(byte[]? value) =>
        _producer.Produce(new TopicPartition(_topic, 0), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(Self), Value = value });

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _consumer.Dispose();
        _producer.Dispose();
    }
}
