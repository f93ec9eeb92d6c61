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
    private readonly ConcurrentDictionary<string, Entry> _instances = new(StringComparer.Ordinal);

    /// <summary>One instance's announcement: active tasks, then standby tasks after a '|' (absent when it has none).</summary>
    private sealed record Entry(string[] Active, string[] Standby)
    {
        public static Entry Parse(string s)
        {
            var parts = s.Split('|');
            return new Entry(Split(parts[0]), parts.Length > 1 ? Split(parts[1]) : []);
        }

        public string Encode() => string.Join(',', Active) + (Standby.Length > 0 ? "|" + string.Join(',', Standby) : "");

        private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries);
    }

    public InstanceDirectory(string topic, string self, IProducer<byte[]?, byte[]?> producer, IConsumer<byte[]?, byte[]?> consumer)
    {
        _topic = topic;
        Self = self;
        _producer = producer;
        _consumer = consumer;
        _consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
    }

    public string Self { get; }

    public void Announce(IEnumerable<string> tasks, IEnumerable<string>? standbyTasks = null)
    {
        var entry = new Entry(tasks.Order(StringComparer.Ordinal).ToArray(), (standbyTasks ?? []).Order(StringComparer.Ordinal).ToArray());
        _instances[Self] = entry;
        Send(Encoding.UTF8.GetBytes(entry.Encode()));
    }

    public void Withdraw()
    {
        _instances.TryRemove(Self, out _);
        Send(null);
        _producer.Flush(TimeSpan.FromSeconds(5));
    }

    public void Poll()
    {
        for (int i = 0; i < 100; i++)
        {
            var r = _consumer.Consume(TimeSpan.Zero);
            if (r is null) return;
            if (r.IsPartitionEOF || r.Message.Key is null) continue;
            string host = Encoding.UTF8.GetString(r.Message.Key);
            if (host == Self) continue; // our own view is always current
            if (r.Message.Value is null) _instances.TryRemove(host, out _);
            else _instances[host] = Entry.Parse(Encoding.UTF8.GetString(r.Message.Value));
        }
    }

    /// <summary>Instances and their tasks; a task moving between instances may show on both for a moment.</summary>
    public IReadOnlyList<StreamsInstanceMetadata> Snapshot() =>
        _instances.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new StreamsInstanceMetadata(kv.Key, kv.Value.Active) { StandbyTasks = kv.Value.Standby }).ToList();

    /// <summary>The host running a task; our own claim wins over a stale announcement of another instance.</summary>
    public string? HostOf(string task)
    {
        if (_instances.TryGetValue(Self, out var mine) && mine.Active.Contains(task)) return Self;
        return _instances.Where(kv => kv.Value.Active.Contains(task)).Select(kv => kv.Key).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The hosts keeping a standby of a task (never the one running it).</summary>
    public IReadOnlyList<string> StandbyHostsOf(string task)
    {
        string? active = HostOf(task);
        return _instances.Where(kv => kv.Value.Standby.Contains(task) && kv.Key != active).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
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
