using System.Runtime.InteropServices;
using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>
/// The plain C# row and count check of stream-stream-outer: a KStream–KStream outer join with Kafka Streams 4.x
/// semantics (KIP-633), on the windows of the other stream–stream workloads (±5 s, no grace), written with lists and
/// two priority queues. As PlainStreamStreamJoin for the left join, but both sides hold their unmatched records, and the
/// pass models Kafka's minTime exactly (KStreamKStreamJoin.emitNonJoinedOuterRecords), because it decides when held
/// records come out and so the count at the end of input: the walk over the held records in (timestamp, right before
/// left) order emits every expired one, marks a side open at its first record that is not, and breaks at the record it
/// reads once both sides are open; minTime is the timestamp of that last record read (the store's last one when it
/// never breaks). The "anything due?" pre-check uses the triggering side's look-ahead. Throttle not modelled.
/// </summary>
internal sealed class PlainStreamStreamOuterJoin(int capacity)
{
    private sealed class Entry(long ts, string value)
    {
        public readonly long Ts = ts;
        public readonly string Value = value;
        /// <summary>Unmatched so far and held.</summary>
        public bool Pending;
    }

    private sealed class KeyState
    {
        public readonly List<Entry> Left = new(2), Right = new(2);
    }

    private const long Before = JoinSpec.BeforeMs, After = JoinSpec.AfterMs, Grace = JoinSpec.GraceMs;
    private const long Retention = Before + After + Grace;

    private readonly Dictionary<string, KeyState> _keys = new(capacity);
    private readonly PriorityQueue<Entry, long> _heldLeft = new(), _heldRight = new();
    private long _streamTime = long.MinValue;
    private long _minTime = long.MaxValue;

    public long Outputs { get; private set; }

    public void Process(bool left, string key, string value, long ts)
    {
        if (ts > _streamTime) _streamTime = ts;
        if (ts == _streamTime) Pass(left ? After : Before);
        ref KeyState? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out _);
        var state = slot ??= new KeyState();
        var (mine, others) = left ? (state.Left, state.Right) : (state.Right, state.Left);
        long from = ts - (left ? Before : After), to = ts + (left ? After : Before);
        Expire(others);
        bool matched = false;
        foreach (var o in others)
        {
            if (o.Ts < from || o.Ts > to) continue;
            matched = true;
            o.Pending = false; // matched: never emitted unjoined
            Emit(string.Concat(left ? value : o.Value, "-", left ? o.Value : value));
        }
        var e = new Entry(ts, value);
        if (!matched)
        {
            if (to < _streamTime) Emit(string.Concat(left ? value : null, "-", left ? null : value));
            else
            {
                e.Pending = true;
                (left ? _heldLeft : _heldRight).Enqueue(e, ts);
                if (ts < _minTime) _minTime = ts;
            }
        }
        Expire(mine);
        mine.Add(e);
    }

    private void Emit(string result)
    {
        if (result.Length >= 0) Outputs++;
    }

    private void Pass(long thisAfter)
    {
        if (_minTime == long.MaxValue || _minTime + thisAfter + Grace >= _streamTime) return;
        long last = Math.Max(LastPending(_heldLeft), LastPending(_heldRight));
        long leftBound = _streamTime - After - Grace, rightBound = _streamTime - Before - Grace;
        Release(_heldLeft, leftBound, true);
        Release(_heldRight, rightBound, false);
        DropMatched(_heldLeft);
        DropMatched(_heldRight);
        if (_heldLeft.TryPeek(out var fl, out _) && _heldRight.TryPeek(out var fr, out _))
        {
            // Both open: the walk breaks at the record after the later first one (the left one at an equal timestamp).
            bool laterIsLeft = fl.Ts >= fr.Ts;
            var later = laterIsLeft ? fl : fr;
            long next = long.MaxValue;
            foreach (var (e, _) in (laterIsLeft ? _heldLeft : _heldRight).UnorderedItems)
                if (e.Pending && e != later && e.Ts < next) next = e.Ts;
            foreach (var (e, _) in (laterIsLeft ? _heldRight : _heldLeft).UnorderedItems)
                if (e.Pending && (e.Ts > later.Ts || (!laterIsLeft && e.Ts == later.Ts)) && e.Ts < next) next = e.Ts;
            _minTime = next == long.MaxValue ? later.Ts : next;
        }
        else
        {
            _minTime = last == long.MinValue ? long.MaxValue : last;
        }
    }

    private void Release(PriorityQueue<Entry, long> held, long bound, bool left)
    {
        while (held.TryPeek(out var e, out long ts) && ts < bound)
        {
            held.Dequeue();
            if (!e.Pending) continue;
            e.Pending = false;
            Emit(string.Concat(left ? e.Value : null, "-", left ? null : e.Value));
        }
    }

    private static void DropMatched(PriorityQueue<Entry, long> held)
    {
        while (held.TryPeek(out var e, out _) && !e.Pending) held.Dequeue();
    }

    private static long LastPending(PriorityQueue<Entry, long> held)
    {
        long last = long.MinValue;
        foreach (var (e, _) in held.UnorderedItems)
            if (e.Pending && e.Ts > last) last = e.Ts;
        return last;
    }

    /// <summary>Drops entries older than the window stores' retention; lists are in arrival (nearly timestamp) order.</summary>
    private void Expire(List<Entry> list)
    {
        long limit = _streamTime - Retention;
        int n = 0;
        while (n < list.Count && list[n].Ts < limit) n++;
        if (n > 0) list.RemoveRange(0, n);
    }
}
