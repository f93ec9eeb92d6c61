using Braid.Kafka.Internal;
using Braid.Processors;

namespace Braid.Kafka.Tests;

/// <summary>
/// A seeded, time-stepped model of a lag-aware group (see <see cref="LagAwareLivenessModelTests"/>): instances with delayed
/// views of each other's announcements decide their subscriptions with the product's rules; a simplified group rebalances
/// and assigns; a schedule kills and restarts instances as the fail-over harness does. Times in milliseconds.
/// </summary>
internal sealed class LagAwareLivenessModel
{
    private const long Tick = 250, Session = 2000, Heartbeat = 1000, Tolerance = 1000;
    private static readonly TaskId[] Tasks = Enumerable.Range(0, 6).Select(p => new TaskId(0, p)).Append(new TaskId(1, 0)).ToArray();
    private static readonly string[] Names = Tasks.Select(KafkaTask.Name).ToArray();

    private sealed record Announcement(long At, IReadOnlySet<string> CaughtUp, IReadOnlyDictionary<string, long> Lags);

    private sealed class Instance(string name)
    {
        public string Name { get; } = name;
        public bool Alive = true, Member = true, JoinedOnce, WasSteady;
        public long DiedAt, RebalancedAt = long.MinValue, WantedSince, LastHeartbeat = long.MinValue;
        public string[] Subscription = [], Wanted = [];
        public HashSet<string> Owned = new();
        public Dictionary<string, long> Lags = new(); // replicas kept (standbys), records behind; survives a restart (checkpoints)
        public HashSet<string> CaughtUpReplicas = new();
        public List<Announcement> Sent = new();
    }

    private readonly Random _rng;
    private readonly List<Instance> _instances;
    private readonly Dictionary<(string Reader, string Host, long At), long> _delay = new();
    private readonly Dictionary<string, long> _unaskedSince = new();
    private long _now, _rebalanceUntil = -1, _nextKill, _killsUntil;

    private readonly int _burstOneIn;

    /// <param name="burstOneIn">A running task's changelog jumps 3,000 records ahead of a replica once in this many ticks:
    /// how often standbys fall behind and catch up again, so how often a member's wanted set changes.</param>
    public LagAwareLivenessModel(int seed, int instances, int burstOneIn = 40)
    {
        _burstOneIn = burstOneIn;
        _rng = new Random(seed);
        _instances = Enumerable.Range(0, instances).Select(i => new Instance("i" + i)).ToList();
    }

    public long LongestUnasked { get; private set; }

    public string WorstTask { get; private set; } = "";

    /// <summary>After the kills stopped and the group settled: every task runs on a live instance.</summary>
    public bool EndsAssigned => Names.All(t => _instances.Any(i => i.Alive && i.Owned.Contains(t)));

    public string Describe() => string.Join("; ", _instances.Select(i =>
        $"{i.Name} {(i.Alive ? "alive" : "dead")} owns [{string.Join(' ', i.Owned.Order())}] asks [{string.Join(' ', i.Subscription)}]"));

    public void Run(TimeSpan duration)
    {
        long end = (long)duration.TotalMilliseconds;
        _killsUntil = end - 40_000; // the last 40 s without kills: the group must settle
        _nextKill = 5000;
        for (_now = 0; _now < end; _now += Tick)
        {
            KillsAndRestarts();
            Group();
            Lags();
            foreach (var i in _instances.Where(i => i.Alive).OrderBy(_ => _rng.Next())) Refresh(i);
            Observe();
        }
    }

    private void KillsAndRestarts()
    {
        // Most come back within seconds (as in the harness); now and then one stays down for half a minute.
        foreach (var i in _instances.Where(i => !i.Alive && _now - i.DiedAt >= (i.DiedAt / Tick % 5 == 0 ? 30_000 : 1500) && _rng.Next(6) == 0))
        {
            // A restarted process: a new member with an empty subscription, its replicas' checkpoints kept.
            (i.Alive, i.Member, i.JoinedOnce, i.WasSteady, i.RebalancedAt) = (true, true, false, false, long.MinValue);
            (i.Subscription, i.Wanted, i.Owned) = ([], [], new HashSet<string>());
            StartRebalance();
        }
        if (_now < _nextKill || _now >= _killsUntil) return;
        _nextKill = _now + 2000 + _rng.Next(8000);
        var victims = _instances.Where(i => i.Alive && i.Owned.Count > 0).ToList();
        if (victims.Count == 0 || _instances.Count(i => i.Alive) < 2) return;
        var v = victims[_rng.Next(victims.Count)];
        (v.Alive, v.DiedAt) = (false, _now); // SIGKILL: still a member (owning its tasks) until the group evicts it
        // Now and then a second instance dies with it (its standby's host, say), while at least two stay up.
        var second = _instances.Where(i => i.Alive).OrderBy(_ => _rng.Next()).FirstOrDefault();
        if (_rng.Next(4) == 0 && second is not null && _instances.Count(i => i.Alive) > 2) (second.Alive, second.DiedAt) = (false, _now);
    }

    private void StartRebalance() => _rebalanceUntil = Math.Max(_rebalanceUntil, _now + 300 + _rng.Next(1200));

    private void Group()
    {
        foreach (var dead in _instances.Where(i => !i.Alive && i.Member && _now - i.DiedAt >= Session))
        {
            (dead.Member, dead.Owned) = (false, new HashSet<string>()); // evicted
            StartRebalance();
        }
        if (_rebalanceUntil < 0 || _now < _rebalanceUntil) return;
        _rebalanceUntil = -1;
        var members = _instances.Where(i => i.Member).ToList();
        foreach (var t in Names)
        {
            var askers = members.Where(i => i.Subscription.Contains(t)).ToList();
            var owner = members.FirstOrDefault(i => i.Owned.Contains(t));
            if (owner is not null && askers.Contains(owner)) continue; // sticky
            owner?.Owned.Remove(t); // revoked: it no longer asks
            if (askers.Count > 0) askers[_rng.Next(askers.Count)].Owned.Add(t);
        }
        foreach (var i in members.Where(i => i.Alive))
        {
            i.JoinedOnce = true;
            Announce(i); // its tasks changed: announced at once
        }
    }

    private IEnumerable<(Instance Host, string Task)> Placement()
    {
        // One standby per stateful task on a live instance other than its owner (a stable hash, as StandbyPlacement's rendezvous).
        // As StandbyPlacement, only for a task someone runs: at start-up no copy exists anywhere.
        var live = _instances.Where(i => i.Alive).ToList();
        foreach (var t in Names.Where(n => n.StartsWith("0_", StringComparison.Ordinal) && _instances.Any(i => i.Member && i.Owned.Contains(n))))
        {
            var host = live.Where(i => !i.Owned.Contains(t)).OrderBy(i => StableHash(i.Name + t)).FirstOrDefault();
            if (host is not null) yield return (host, t);
        }
    }

    private static uint StableHash(string s)
    {
        uint h = 2166136261; // FNV-1a: the same in every process, so a seed replays
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }

    private void Lags()
    {
        var placed = Placement().ToHashSet();
        foreach (var i in _instances)
        {
            foreach (var t in i.Lags.Keys.ToList())
            {
                bool running = _instances.Any(o => o.Alive && o.Owned.Contains(t));
                long grow = running ? _rng.Next(250) + (_rng.Next(_burstOneIn) == 0 ? 3000 : 0) : 0; // the changelog grows; now and then a burst
                long apply = i.Alive && placed.Contains((i, t)) ? _rng.Next(450) : 0;
                i.Lags[t] = Math.Max(0, i.Lags[t] + grow - apply);
            }
            if (!i.Alive) continue;
            foreach (var t in i.Lags.Keys.Where(t => !placed.Contains((i, t)) || i.Owned.Contains(t)).ToList())
            {
                i.Lags.Remove(t); // re-placed or promoted: no replica any more
                i.CaughtUpReplicas.Remove(t);
            }
            foreach (var (_, t) in placed.Where(p => p.Host == i && !i.Lags.ContainsKey(p.Task))) i.Lags[t] = 2000 + _rng.Next(20_000);
            foreach (var (t, lag) in i.Lags)
            {
                // Once caught up a standby stays so until tolerance + max(tolerance, 1,000) behind (StandbyUpdater's hysteresis).
                if (lag <= Tolerance) i.CaughtUpReplicas.Add(t);
                else if (lag > Tolerance + Math.Max(Tolerance, 1000)) i.CaughtUpReplicas.Remove(t);
            }
            if (_now - i.LastHeartbeat >= Heartbeat) Announce(i);
        }
    }

    private void Announce(Instance i)
    {
        i.LastHeartbeat = _now;
        i.Sent.Add(new Announcement(_now, i.Owned.Concat(i.CaughtUpReplicas.Where(i.Lags.ContainsKey)).ToHashSet(), new Dictionary<string, long>(i.Lags)));
    }

    // What reader r knows of host h: its latest announcement delivered by now (each delivery 0–400 ms late), heard when delivered.
    private (Announcement A, long HeardAt)? View(Instance r, Instance h)
    {
        if (r == h) return h.Sent.Count == 0 ? null : (h.Sent[^1], _now);
        for (int k = h.Sent.Count - 1; k >= 0; k--)
        {
            var a = h.Sent[k];
            if (!_delay.TryGetValue((r.Name, h.Name, a.At), out long d)) _delay[(r.Name, h.Name, a.At)] = d = _rng.Next(400);
            if (a.At + d <= _now) return (a, a.At + d);
        }
        return null;
    }

    private void Refresh(Instance i)
    {
        bool steady = i.JoinedOnce && _rebalanceUntil < 0;
        if (steady && !i.WasSteady) i.RebalancedAt = _now;
        i.WasSteady = steady;
        var views = _instances.Select(h => (h, v: View(i, h))).Where(x => x.v is not null
            && (x.h == i || LagAwareSubscription.IsLive(x.v.Value.HeardAt, _now, i.RebalancedAt, TimeSpan.FromMilliseconds(Session), 1000))).ToList();
        var caughtUp = views.ToDictionary(x => x.h.Name, x => x.v!.Value.A.CaughtUp);
        caughtUp.TryAdd(i.Name, new HashSet<string>());
        var lags = views.ToDictionary(x => x.h.Name, x => x.v!.Value.A.Lags);
        var owned = Tasks.Where(t => i.Owned.Contains(KafkaTask.Name(t))).ToHashSet();
        var tasks = LagAwareEligibility.Tasks(Tasks, id => id.Subtopology == 0, i.Name, caughtUp, owned, lags, Tolerance);
        var wanted = tasks.Select(KafkaTask.Name).Order(StringComparer.Ordinal).ToArray();
        if (!wanted.SequenceEqual(i.Wanted)) (i.Wanted, i.WantedSince) = (wanted, _now);
        if (wanted.SequenceEqual(i.Subscription)) return;
        if (!LagAwareSubscription.ShouldChange(i.Subscription, wanted, TimeSpan.FromMilliseconds(_now - i.WantedSince), steady)) return;
        i.Subscription = wanted;
        StartRebalance();
    }

    private void Observe()
    {
        foreach (var t in Names)
        {
            if (_instances.Any(i => i.Alive && i.Subscription.Contains(t)))
            {
                _unaskedSince.Remove(t);
                continue;
            }
            long since = _unaskedSince.TryGetValue(t, out long s) ? s : _unaskedSince[t] = _now;
            if (_now - since > LongestUnasked) (LongestUnasked, WorstTask) = (_now - since, t);
        }
    }
}
