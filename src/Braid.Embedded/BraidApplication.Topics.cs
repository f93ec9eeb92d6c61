using Braid.Serialization;

namespace Braid.Embedded;

public sealed partial class BraidApplication
{
    /// <summary>A producer into an input topic of the topology (any topic its sinks do not write).</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="keySerde">Key serde; the type's default when null.</param>
    /// <param name="valueSerde">Value serde; the type's default when null.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The producer.</returns>
    public TopicProducer<TKey, TValue> CreateProducer<TKey, TValue>(string topic, Serde<TKey>? keySerde = null, Serde<TValue>? valueSerde = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var log = _logs.Get(topic);
        if (log.WrittenByApplication)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' is written by the topology; producing into it directly would interleave with its committed output.");
        }
        return new TopicProducer<TKey, TValue>(log, keySerde ?? Serdes.Default<TKey>(), valueSerde ?? Serdes.Default<TValue>(), _activity);
    }

    /// <summary>A reader of any topic of the application (input, output or internal), from offset 0.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="keySerde">Key serde; the type's default when null.</param>
    /// <param name="valueSerde">Value serde; the type's default when null.</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>The reader.</returns>
    public TopicReader<TKey, TValue> CreateReader<TKey, TValue>(string topic, Serde<TKey>? keySerde = null, Serde<TValue>? valueSerde = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new TopicReader<TKey, TValue>(_logs.Get(topic), keySerde ?? Serdes.Default<TKey>(), valueSerde ?? Serdes.Default<TValue>(), _activity);
    }

    /// <summary>Per input partition of every task: records visible but not yet processed (also the <c>braid.consumer.lag</c> gauge).</summary>
    /// <returns>Lag by "topic-partition" (summed over tasks reading the same partition).</returns>
    public IReadOnlyDictionary<string, long> GetLag()
    {
        var lag = new Dictionary<string, long>();
        foreach (var t in AllTasks())
        {
            for (int i = 0; i < t.Inputs.Count; i++)
            {
                string k = t.Inputs[i].Topic + "-" + t.Inputs[i].Partition;
                lag[k] = lag.GetValueOrDefault(k) + t.Lag(i);
            }
        }
        return lag;
    }
}
