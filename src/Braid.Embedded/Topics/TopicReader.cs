using System.Runtime.CompilerServices;
using Braid.Embedded.Logs;
using Braid.Embedded.Runtime;
using Braid.Internal;
using Braid.Serialization;

namespace Braid.Embedded;

/// <summary>A record read from a topic.</summary>
/// <param name="Key">The key (null for a null key).</param>
/// <param name="Value">The value (null for a tombstone).</param>
/// <param name="Timestamp">The timestamp in ms.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset within the partition.</param>
/// <param name="Headers">The headers, if any.</param>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public readonly record struct ConsumedRecord<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, int Partition, long Offset, Headers? Headers);

/// <summary>
/// Reads a topic of a <see cref="BraidApplication"/> from chosen offsets: under exactly-once only
/// committed output is ever returned. Each reader keeps its own position per partition. Not thread-safe.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class TopicReader<TKey, TValue>
{
    private readonly TopicLog _topic;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private readonly LogActivity _activity;
    private readonly long[] _positions;
    private readonly List<RawRecord> _buffer = new();

    internal TopicReader(TopicLog topic, Serde<TKey> keySerde, Serde<TValue> valueSerde, LogActivity activity)
    {
        _topic = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
        _activity = activity;
        _positions = new long[topic.Partitions.Length];
    }

    /// <summary>The topic name.</summary>
    public string Topic => _topic.Name;

    /// <summary>The topic's partition count.</summary>
    public int Partitions => _positions.Length;

    /// <summary>The next offset this reader will read from a partition.</summary>
    /// <param name="partition">The partition.</param>
    /// <returns>The offset.</returns>
    public long Position(int partition) => _positions[partition];

    /// <summary>Moves the reader in one partition (an offset below the log start reads from the start).</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="offset">The next offset to read.</param>
    public void Seek(int partition, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        _positions[partition] = offset;
    }

    /// <summary>Records visible but not read yet, summed over partitions.</summary>
    public long Remaining => _topic.Partitions.Select((p, i) => Math.Max(0, p.VisibleEnd - _positions[i])).Sum();

    /// <summary>Reads what is visible now, up to <paramref name="maxRecords"/>, partition by partition.</summary>
    /// <param name="maxRecords">The most records to return.</param>
    /// <returns>The records (empty when there is nothing new).</returns>
    public IReadOnlyList<ConsumedRecord<TKey, TValue>> Poll(int maxRecords = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var result = new List<ConsumedRecord<TKey, TValue>>();
        for (int p = 0; p < _positions.Length && result.Count < maxRecords; p++)
        {
            _buffer.Clear();
            _positions[p] = _topic.Partitions[p].Read(_positions[p], maxRecords - result.Count, _buffer);
            foreach (var r in _buffer) result.Add(Decode(r));
        }
        return result;
    }

    /// <summary>Reads everything visible now.</summary>
    /// <returns>The records, partition by partition.</returns>
    public List<ConsumedRecord<TKey, TValue>> ReadToEnd()
    {
        var all = new List<ConsumedRecord<TKey, TValue>>();
        while (true)
        {
            var batch = Poll();
            if (batch.Count == 0) return all;
            all.AddRange(batch);
        }
    }

    /// <summary>Reads records as they become visible, waiting for new ones, until cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The records.</returns>
    public async IAsyncEnumerable<ConsumedRecord<TKey, TValue>> FollowAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            long seen = _activity.Version;
            var batch = Poll();
            foreach (var r in batch) yield return r;
            if (batch.Count == 0)
            {
                // Poll cheaply: wake on the next commit or producer append, at least every 50 ms.
                for (int i = 0; i < 10 && _activity.Version == seen && !cancellationToken.IsCancellationRequested; i++)
                    await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private ConsumedRecord<TKey, TValue> Decode(RawRecord r) => new(
        r.Key is null ? default : _keySerde.Deserialize(r.Key, new SerdeContext(r.Topic, SerdeTarget.Key, r.Headers)),
        r.Value is null ? default : _valueSerde.Deserialize(r.Value, new SerdeContext(r.Topic, SerdeTarget.Value, r.Headers)),
        r.Timestamp, r.Partition, r.Offset, r.Headers);
}
