using System.Runtime.InteropServices;
using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>
/// The plain C# row and count check of stream-stream-outer: a KStream–KStream outer join with Kafka Streams 4.x
/// semantics (KIP-633), on the windows of the other stream–stream workloads (±5 s, no grace), written with lists and
/// two timestamp-ordered held queues. As PlainStreamStreamJoin for the left join, but both sides hold their unmatched records, and the
/// pass models Kafka's minTime exactly (KStreamKStreamJoin.emitNonJoinedOuterRecords), because it decides when held
/// records come out and so the count at the end of input: the walk over the held records in (timestamp, right before
/// left) order emits every expired one, marks a side open at its first record that is not, and breaks at the record it
/// reads once both sides are open; minTime is the timestamp of that last record read (the store's last one when it
/// never breaks). The "anything due?" pre-check uses the triggering side's look-ahead. Throttle not modelled.
/// <para>Each side's held records are a queue in timestamp order (<see cref="HeldQueue"/>: appended, or inserted near the
/// end when out of order); a pass pops the expired front, and minTime needs only the queues' ends and one binary search
/// (session 17, s17-ss: until then the pass rescanned both whole queues for the last pending record and the next one
/// after the later front — the driver measured 541 % of this row, so it was no limit).</para>
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
    private readonly HeldQueue _heldLeft = new(), _heldRight = new();
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
            o.Pending = false; // matched: never emitted unjoined (its queue entry is dropped when it reaches an end)
            Emit(string.Concat(left ? value : o.Value, "-", left ? o.Value : value));
        }
        var e = new Entry(ts, value);
        if (!matched)
        {
            if (to < _streamTime) Emit(string.Concat(left ? value : null, "-", left ? null : value));
            else
            {
                e.Pending = true;
                (left ? _heldLeft : _heldRight).Add(e);
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
        long last = Math.Max(_heldLeft.LastPendingTs(), _heldRight.LastPendingTs());
        Release(_heldLeft, _streamTime - After - Grace, true);
        Release(_heldRight, _streamTime - Before - Grace, false);
        if (_heldLeft.TrimFront() is { } fl && _heldRight.TrimFront() is { } fr)
        {
            // Both open: the walk breaks at the record after the later first one (the left one at an equal timestamp).
            bool laterIsLeft = fl.Ts >= fr.Ts;
            var (later, other) = laterIsLeft ? (_heldLeft, _heldRight) : (_heldRight, _heldLeft);
            long laterTs = laterIsLeft ? fl.Ts : fr.Ts;
            long next = Math.Min(later.FirstPendingTs(1), other.FirstPendingTs(other.IndexAfter(laterTs, orEqual: !laterIsLeft)));
            _minTime = next == long.MaxValue ? laterTs : next;
        }
        else
        {
            _minTime = last == long.MinValue ? long.MaxValue : last;
        }
    }

    private void Release(HeldQueue held, long bound, bool left)
    {
        while (held.First is { } e && e.Ts < bound)
        {
            held.RemoveFirst();
            if (!e.Pending) continue;
            e.Pending = false;
            Emit(string.Concat(left ? e.Value : null, "-", left ? null : e.Value));
        }
    }

    /// <summary>Drops entries older than the window stores' retention; lists are in arrival (nearly timestamp) order.</summary>
    private void Expire(List<Entry> list)
    {
        long limit = _streamTime - Retention;
        int n = 0;
        while (n < list.Count && list[n].Ts < limit) n++;
        if (n > 0) list.RemoveRange(0, n);
    }

    /// <summary>One side's held records in timestamp order, matched ones (no longer pending) included until an end drops them.</summary>
    private sealed class HeldQueue
    {
        private Entry?[] _items = new Entry?[64];
        private int _head, _count;

        public Entry? First => _count == 0 ? null : _items[_head];

        public void Add(Entry e)
        {
            if (_head + _count == _items.Length)
            {
                // Slide down when half is popped, else grow.
                var target = _head >= _items.Length / 2 ? _items : new Entry?[_items.Length * 2];
                Array.Copy(_items, _head, target, 0, _count);
                if (target == _items) Array.Clear(_items, _count, _head);
                (_items, _head) = (target, 0);
            }
            int at = _head + _count;
            while (at > _head && _items[at - 1]!.Ts > e.Ts) at--; // mostly appended: timestamps arrive nearly in order
            Array.Copy(_items, at, _items, at + 1, _head + _count - at);
            _items[at] = e;
            _count++;
        }

        public void RemoveFirst()
        {
            _items[_head++] = null;
            if (--_count == 0) _head = 0;
        }

        /// <summary>Drops matched entries from the front; the first pending one, or null.</summary>
        public Entry? TrimFront()
        {
            while (_count > 0 && !_items[_head]!.Pending) RemoveFirst();
            return First;
        }

        /// <summary>The last pending entry's timestamp (matched ones dropped from the back); MinValue when none.</summary>
        public long LastPendingTs()
        {
            while (_count > 0 && !_items[_head + _count - 1]!.Pending) _items[_head + --_count] = null;
            if (_count == 0) _head = 0;
            return _count == 0 ? long.MinValue : _items[_head + _count - 1]!.Ts;
        }

        /// <summary>The timestamp of the first pending entry at or after <paramref name="from"/>; MaxValue when none.</summary>
        public long FirstPendingTs(int from)
        {
            for (int i = from; i < _count; i++)
                if (_items[_head + i]!.Pending) return _items[_head + i]!.Ts;
            return long.MaxValue;
        }

        /// <summary>The index of the first entry with a timestamp after <paramref name="ts"/> (or equal, with <paramref name="orEqual"/>).</summary>
        public int IndexAfter(long ts, bool orEqual)
        {
            int lo = 0, hi = _count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                long at = _items[_head + mid]!.Ts;
                if (at > ts || (orEqual && at == ts)) hi = mid;
                else lo = mid + 1;
            }
            return lo;
        }
    }
}
