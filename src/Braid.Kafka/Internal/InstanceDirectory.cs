using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;

namespace Braid.Kafka.Internal;

/// <summary>
/// Which instance runs which task, for interactive queries. Confluent.Kafka has no custom assignor
/// user data (where Kafka Streams carries <c>application.server</c>), so each instance announces its
/// endpoint and tasks on a compacted one-partition topic after every assignment change and reads
/// everyone's announcements back. A clean shutdown writes a tombstone.
/// <para>
/// Liveness: a crashed instance writes no tombstone, so every instance repeats its announcement every heartbeat
/// (default 10 s), and an announcement not heard for three heartbeats (measured on the reader's own clock, so clocks
/// of different machines never compare) is ignored: a crashed instance leaves the metadata and query routing within
/// about 30 s, before the group's default session timeout (45 s) hands its tasks on. An instance that starts reads
/// the compacted topic whole, so it treats every announcement as just heard: a dead one shows for up to three
/// heartbeats there.
/// </para>
/// </summary>
internal sealed class InstanceDirectory : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly string _topic;
    private bool _disposed;
    private readonly ConcurrentDictionary<string, Entry> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string[]> _threadTasks = new();
    private readonly ConcurrentDictionary<string, long> _heard = new(StringComparer.Ordinal); // _time.GetTimestamp() at the last announcement read
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private long _lastSent;
    private readonly object _pollLock = new();
    private string[] _standby = [];
    private string[] _caughtUp = [];
    private readonly Dictionary<int, string[]> _threadHeld = new();
    private IReadOnlyDictionary<string, long> _lags = NoLags;

    /// <summary>One instance's announcement: active tasks, then standby tasks after a '|', then (lag-aware assignment only) the
    /// tasks it is caught up on (caught-up standbys, and tasks it holds while they restore) after a second '|', then the lags of
    /// its standbys as <c>task=records</c> after a third (Kafka's least-lag fallback); absent parts are empty. Readers of an
    /// older version ignore the parts they do not know.</summary>
    private sealed record Entry(string[] Active, string[] Standby, string[] CaughtUp, IReadOnlyDictionary<string, long> Lags)
    {
        public static Entry Parse(string s)
        {
            var parts = s.Split('|');
            return new Entry(Split(parts[0]), parts.Length > 1 ? Split(parts[1]) : [], parts.Length > 2 ? Split(parts[2]) : [],
                parts.Length > 3 ? ParseLags(parts[3]) : NoLags);
        }

        public string Encode()
        {
            string[] parts = [string.Join(',', Active), string.Join(',', Standby), string.Join(',', CaughtUp),
                string.Join(',', Lags.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
            int n = parts.Length;
            while (n > 1 && parts[n - 1].Length == 0) n--;
            return string.Join('|', parts.Take(n));
        }

        private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries);

        private static Dictionary<string, long> ParseLags(string s)
        {
            var lags = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var item in Split(s))
            {
                int eq = item.IndexOf('=');
                if (eq > 0 && long.TryParse(item.AsSpan(eq + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long lag))
                    lags[item[..eq]] = lag;
            }
            return lags;
        }
    }

    private static readonly IReadOnlyDictionary<string, long> NoLags = new Dictionary<string, long>();

    public InstanceDirectory(string topic, string self, IProducer<byte[]?, byte[]?> producer, IConsumer<byte[]?, byte[]?> consumer,
        TimeProvider? time = null, TimeSpan? heartbeat = null)
    {
        _topic = topic;
        Self = self;
        _producer = producer;
        _consumer = consumer;
        _time = time ?? TimeProvider.System;
        _heartbeat = heartbeat ?? DefaultHeartbeat;
        _lastSent = _time.GetTimestamp();
        _consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
    }

    public string Self { get; }

    /// <summary>How often an instance repeats its announcement at least; three missed ones and it counts as gone.</summary>
    public static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(10);

    private bool Alive(string host) =>
        host == Self || (_heard.TryGetValue(host, out long at) && _time.GetElapsedTime(at) < 3 * _heartbeat);

    /// <summary>
    /// Announces this instance's tasks: the union over its stream threads, each reporting its own (by thread index). Under lag-aware
    /// assignment a thread also reports the tasks it <paramref name="held"/> but does not run yet (restoring): they count as
    /// caught up, so no other instance asks for a task that already has its new owner.
    /// </summary>
    public void Announce(int thread, IEnumerable<string> tasks, IEnumerable<string>? held = null)
    {
        lock (_threadTasks)
        {
            _threadTasks[thread] = tasks.ToArray();
            _threadHeld[thread] = held?.ToArray() ?? [];
        }
        Heartbeat();
    }

    /// <summary>Announces this instance's standby tasks (with its active ones).</summary>
    public void AnnounceStandbys(IEnumerable<string> standbyTasks)
    {
        lock (_threadTasks) _standby = standbyTasks.Order(StringComparer.Ordinal).ToArray();
        Heartbeat();
    }

    /// <summary>Announces the standby tasks this instance is caught up on (lag-aware assignment: <see cref="LagAwareEligibility"/>).</summary>
    public void AnnounceCaughtUp(IEnumerable<string> standbyTasks)
    {
        lock (_threadTasks) _caughtUp = standbyTasks.Order(StringComparer.Ordinal).ToArray();
        Heartbeat();
    }

    /// <summary>
    /// Records the lags of this instance's standbys (lag-aware assignment's least-lag fallback). Not sent at once: lags move with
    /// every record, so they travel with the next announcement (the standby updater's heartbeat, every second).
    /// </summary>
    public void SetLags(IReadOnlyDictionary<string, long> lags)
    {
        lock (_threadTasks) _lags = lags;
    }

    /// <summary>
    /// The instances <paramref name="live"/> accepts by when they were last heard (a <see cref="Time"/> timestamp; this one
    /// always, as of its last announcement) with the lags they announced for the standbys they keep.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Lags(Func<long, bool> live) =>
        LiveEntries(live).ToDictionary(kv => kv.Key, kv => kv.Value.Lags, StringComparer.Ordinal);

    /// <summary>
    /// The instances <paramref name="live"/> accepts by when they were last heard (this one always, as it announced itself
    /// last) with the tasks each is caught up on: those it runs, holds, and the standbys it announced as caught up.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> CaughtUp(Func<long, bool> live) =>
        LiveEntries(live).ToDictionary(kv => kv.Key, kv => (IReadOnlySet<string>)kv.Value.Active.Concat(kv.Value.CaughtUp).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

    /// <summary>The clock announcements are stamped with when read.</summary>
    public TimeProvider Time => _time;

    private IEnumerable<KeyValuePair<string, Entry>> LiveEntries(Func<long, bool> live) =>
        _instances.Where(kv => kv.Key == Self || (_heard.TryGetValue(kv.Key, out long seen) && live(seen)));

    /// <summary>Announces this instance's tasks again (also a heartbeat, so others can tell it is alive: see <see cref="Live"/>).</summary>
    public void Heartbeat()
    {
        Entry entry;
        lock (_threadTasks)
        {
            entry = new Entry(_threadTasks.Values.SelectMany(t => t).Distinct().Order(StringComparer.Ordinal).ToArray(), _standby,
                _caughtUp.Concat(_threadHeld.Values.SelectMany(t => t)).Distinct().Order(StringComparer.Ordinal).ToArray(), _lags);
            _instances[Self] = entry;
        }
        Send(Encoding.UTF8.GetBytes(entry.Encode()));
        Interlocked.Exchange(ref _lastSent, _time.GetTimestamp());
    }

    /// <summary>What <see cref="Live"/> returns: the live instances with the tasks each runs, and with the standby replicas each announced.</summary>
    /// <param name="Active">Every live instance (this one always) with its active tasks.</param>
    /// <param name="Standbys">The same instances with the standby replicas they announced (warm-ups included).</param>
    public sealed record LiveInstances(IReadOnlyDictionary<string, string[]> Active, IReadOnlyDictionary<string, string[]> Standbys);

    /// <summary>
    /// The instances heard from within <paramref name="window"/> (this one always), with their active tasks and their announced
    /// standbys — both views from one reading of the announcements and one liveness test, so they never disagree on who is live.
    /// A killed instance writes no tombstone; it drops out once its heartbeats stop. Measured on this process's monotonic clock
    /// at reading time, so instances' clocks need not agree.
    /// </summary>
    public LiveInstances Live(TimeSpan window)
    {
        var entries = LiveEntries(seen => _time.GetElapsedTime(seen) <= window).ToList();
        var active = entries.ToDictionary(kv => kv.Key, kv => kv.Value.Active, StringComparer.Ordinal);
        active.TryAdd(Self, []);
        return new LiveInstances(active, entries.ToDictionary(kv => kv.Key, kv => kv.Value.Standby, StringComparer.Ordinal));
    }

    public void Withdraw()
    {
        _instances.TryRemove(Self, out _);
        Send(null);
        _producer.Flush(TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Reads the announcements up to the topic's current end (bounded by <paramref name="timeout"/>): lag-aware assignment
    /// needs to know who is caught up before its first subscription, or a new instance would ask for every task.
    /// </summary>
    public void ReadToEnd(TimeSpan timeout)
    {
        var tp = new TopicPartition(_topic, 0);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var wm = _consumer.QueryWatermarkOffsets(tp, timeout);
            long end = wm.High.Value;
            if (end <= wm.Low.Value) return; // nothing announced yet
            while (waited.Elapsed < timeout)
            {
                lock (_pollLock) PollLocked();
                var pos = _consumer.Position(tp);
                if (pos != Offset.Unset && pos.Value >= end) return;
                Thread.Sleep(10);
            }
        }
        catch (KafkaException)
        {
            // Not fatal: the announcements arrive with the next polls, and the subscription follows them.
        }
    }

    /// <summary>Reads new announcements; several threads call it, one at a time.</summary>
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
            if (r is null) break;
            if (r.IsPartitionEOF || r.Message.Key is null) continue;
            string host = Encoding.UTF8.GetString(r.Message.Key);
            if (host == Self) continue; // our own view is always current
            if (r.Message.Value is null)
            {
                _instances.TryRemove(host, out _);
                _heard.TryRemove(host, out _);
            }
            else
            {
                _instances[host] = Entry.Parse(Encoding.UTF8.GetString(r.Message.Value));
                _heard[host] = _time.GetTimestamp();
            }
        }
        // The heartbeat: the same announcement again (compaction keeps only the latest per instance).
        if (_instances.ContainsKey(Self) && _time.GetElapsedTime(Interlocked.Read(ref _lastSent)) >= _heartbeat) Heartbeat();
    }

    /// <summary>Instances and their tasks; a task moving between instances may show on both for a moment.</summary>
    public IReadOnlyList<StreamsInstanceMetadata> Snapshot() =>
        _instances.Where(kv => Alive(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new StreamsInstanceMetadata(kv.Key, kv.Value.Active) { StandbyTasks = kv.Value.Standby }).ToList();

    /// <summary>The host running a task; our own claim wins over a stale announcement of another instance.</summary>
    public string? HostOf(string task)
    {
        if (_instances.TryGetValue(Self, out var mine) && mine.Active.Contains(task)) return Self;
        return _instances.Where(kv => kv.Value.Active.Contains(task) && Alive(kv.Key)).Select(kv => kv.Key).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The hosts keeping a standby of a task (never the one running it).</summary>
    public IReadOnlyList<string> StandbyHostsOf(string task)
    {
        string? active = HostOf(task);
        return _instances.Where(kv => kv.Value.Standby.Contains(task) && kv.Key != active && Alive(kv.Key)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
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
