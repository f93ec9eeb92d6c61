using Braid.Bench.Baselines;

namespace Braid.Bench;

/// <summary>
/// Foreign-key inner table–table join (KIP-213 as in Kafka 4.x, including the KAFKA-16394 fix), counting what Kafka
/// forwards: a brand-new left row yields a result only if its foreign key exists; an update of an existing row always
/// yields one record (the result, or a tombstone when the new foreign key has no row — Kafka's "unnecessary" inner
/// tombstone); a right-row update yields one result per left row currently referencing it. Every result is built with
/// the joiner the Braid rows use (<c>JoinSpec.Join(left, right)</c>), as a maintained view must: until issue 19's
/// session 5 this row only counted results, so it skipped the joiner's string per output that the Braid rows pay.
/// </summary>
internal sealed class PlainForeignKeyJoin(int capacity)
{
    private readonly Dictionary<string, string> _left = new(capacity);
    private readonly Dictionary<string, string> _right = new(capacity);
    private readonly Dictionary<string, HashSet<string>> _subscribers = new(capacity);
    public long Outputs;
    public long Chars;

    public void ProcessLeft(string key, string value)
    {
        string fk = Dataset.ForeignKeyOf(value);
        if (_left.TryGetValue(key, out string? old))
        {
            string oldFk = Dataset.ForeignKeyOf(old);
            if (oldFk != fk)
            {
                _subscribers[oldFk].Remove(key);
                Subscribe(fk, key);
            }
            Outputs++;
            if (_right.TryGetValue(fk, out string? right)) Chars += JoinSpec.Join(value, right).Length;
        }
        else
        {
            Subscribe(fk, key);
            if (_right.TryGetValue(fk, out string? right))
            {
                Outputs++;
                Chars += JoinSpec.Join(value, right).Length;
            }
        }
        _left[key] = value;
    }

    public void ProcessRight(string key, string value)
    {
        _right[key] = value;
        if (!_subscribers.TryGetValue(key, out var subscribers)) return;
        foreach (string leftKey in subscribers)
        {
            Outputs++;
            Chars += JoinSpec.Join(_left[leftKey], value).Length;
        }
    }

    private void Subscribe(string fk, string key)
    {
        if (!_subscribers.TryGetValue(fk, out var set)) _subscribers[fk] = set = new HashSet<string>();
        set.Add(key);
    }
}

/// <summary>
/// Stream–versioned-table inner join (KIP-914): a stream record joins the table version valid at its own timestamp.
/// The table keeps every version per key (sorted by timestamp; a put at an existing timestamp replaces it) and drops
/// puts older than observed stream time minus history retention; lookups before that cutoff find nothing.
/// </summary>
internal sealed class PlainVersionedStreamTableJoin(int capacity, long historyRetentionMs)
{
    private readonly Dictionary<string, List<(long Ts, string Value)>> _versions = new(capacity);
    private long _observed = long.MinValue;
    public long Outputs;
    public long Chars;

    public void ProcessTable(string key, string value, long ts)
    {
        if (_observed != long.MinValue && ts < _observed - historyRetentionMs) return;
        if (ts > _observed) _observed = ts;
        if (!_versions.TryGetValue(key, out var list)) _versions[key] = list = new List<(long, string)>(4);
        int i = list.Count;
        while (i > 0 && list[i - 1].Ts > ts) i--;
        if (i > 0 && list[i - 1].Ts == ts) list[i - 1] = (ts, value);
        else list.Insert(i, (ts, value));
    }

    public void ProcessStream(string key, string value, long ts)
    {
        if (_observed != long.MinValue && ts < _observed - historyRetentionMs) return;
        if (!_versions.TryGetValue(key, out var list)) return;
        for (int i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Ts > ts) continue;
            Outputs++;
            Chars += JoinSpec.Join(value, list[i].Value).Length;
            return;
        }
    }
}
