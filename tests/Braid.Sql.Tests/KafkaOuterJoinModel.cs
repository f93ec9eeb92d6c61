namespace Braid.Sql.Tests;

/// <summary>
/// A from-scratch model of one key space of Kafka's windowed stream–stream left/outer join, written from
/// org.apache.kafka.streams.kstream.internals.KStreamKStreamJoin#process / #emitNonJoinedOuterRecords and
/// KStreamJoinWindow (Kafka 4.x) — no Braid code. Rules:
/// <list type="bullet">
/// <item>One stream time over both sides (max timestamp seen). A left record at t joins right records with a
/// timestamp in [t − before, t + after]; a right record at t joins left records in [t − after, t + before].
/// A result carries the larger timestamp.</item>
/// <item>Each side keeps its records in a window store with retention before + after + grace, measured from the
/// newest timestamp put into that store; an older record is not stored (late) and is not found. Braid keeps
/// a record exactly at the boundary (docs/differences.md, "Retention boundary is inclusive"); so does this model.</item>
/// <item>A record without a match on a side that keeps unmatched rows (left of LEFT, both of FULL) is emitted
/// at once when its window already ended (t + its after &lt; stream time), else held. A match deletes the
/// held entry of the matched record (all values at that timestamp, side and key).</item>
/// <item>Held entries are released only when a record arrives whose timestamp equals stream time, before its own
/// results: an entry at t is due when t + lookback + grace &lt; stream time (lookback: after for a left entry,
/// before for a right one). Kafka first checks its minTime (lowered by each hold, set to the last entry a scan
/// visited) plus the arriving side's after plus grace against stream time, and skips the scan when that is not
/// below stream time; the scan visits entries in (timestamp, right before left) order and stops once both sides
/// have met an entry that is not due.</item>
/// </list>
/// </summary>
internal sealed class KafkaOuterJoinModel(long beforeMs, long afterMs, long graceMs, bool rightKeepsUnmatched)
{
    private readonly List<(bool Left, int Key, long Ts, long Value)> _stored = [];
    private readonly List<(long Ts, bool Left, int Key, List<long> Values)> _held = [];
    private long _streamTime = long.MinValue;
    private long _minTime = long.MaxValue;
    private long _observedLeft = long.MinValue;
    private long _observedRight = long.MinValue;

    private long Retention => beforeMs + afterMs + graceMs;

    /// <summary>Processes one record; returns what the join emits for it (released held rows, then its own results).</summary>
    public List<(long? Left, long? Right, long Timestamp)> Process(bool left, int key, long value, long ts)
    {
        var emitted = new List<(long? Left, long? Right, long Timestamp)>();
        _streamTime = Math.Max(_streamTime, ts);
        if (ts == _streamTime) EmitDue(left, emitted);

        long thisBefore = left ? beforeMs : afterMs, thisAfter = left ? afterMs : beforeMs;
        long from = Math.Max(0, ts - thisBefore), to = Math.Max(0, ts + thisAfter);
        long otherObserved = left ? _observedRight : _observedLeft;
        var matches = _stored.Where(s => s.Left != left && s.Key == key && s.Ts >= from && s.Ts <= to && (otherObserved == long.MinValue || s.Ts >= otherObserved - Retention)).ToList();
        foreach (var m in matches)
        {
            _held.RemoveAll(h => h.Ts == m.Ts && h.Left == m.Left && h.Key == key);
            emitted.Add(left ? (value, m.Value, Math.Max(ts, m.Ts)) : (m.Value, value, Math.Max(ts, m.Ts)));
        }
        bool keeps = left || rightKeepsUnmatched;
        if (matches.Count == 0 && keeps)
        {
            if (to < _streamTime) emitted.Add(left ? (value, null, ts) : (null, value, ts));
            else Hold(left, key, value, ts);
        }

        if (left) _observedLeft = Math.Max(_observedLeft, ts);
        else _observedRight = Math.Max(_observedRight, ts);
        if (ts >= (left ? _observedLeft : _observedRight) - Retention) _stored.Add((left, key, ts, value));
        return emitted;
    }

    private void Hold(bool left, int key, long value, long ts)
    {
        _minTime = Math.Min(_minTime, ts);
        int at = _held.FindIndex(h => h.Ts == ts && h.Left == left && h.Key == key);
        if (at >= 0) _held[at].Values.Add(value);
        else _held.Add((ts, left, key, [value]));
    }

    private void EmitDue(bool arrivingLeft, List<(long? Left, long? Right, long Timestamp)> emitted)
    {
        long arrivingAfter = arrivingLeft ? afterMs : beforeMs;
        if (_minTime == long.MaxValue || _minTime + arrivingAfter + graceMs >= _streamTime) return;
        _minTime = long.MaxValue;
        bool leftOpen = false, rightOpen = false;
        foreach (var h in _held.OrderBy(h => h.Ts).ThenBy(h => h.Left).ToList())
        {
            _minTime = h.Ts;
            if (leftOpen && rightOpen) break;
            long lookBack = h.Left ? afterMs : beforeMs;
            if (h.Ts + lookBack + graceMs >= _streamTime)
            {
                if (h.Left) leftOpen = true;
                else rightOpen = true;
                continue;
            }
            foreach (var v in h.Values) emitted.Add(h.Left ? (v, null, h.Ts) : (null, v, h.Ts));
            _held.Remove(h);
        }
    }
}
