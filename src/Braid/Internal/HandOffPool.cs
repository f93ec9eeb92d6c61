using Braid.Serialization;

namespace Braid.Internal;

/// <summary>One sink's free hand-off records. Single-threaded, as the sink's task; bounded, so a burst (a right-table
/// update answered to thousands of subscribers queues that many records at once) does not pin its peak forever.</summary>
internal sealed class HandOffPool<TKey, TValue>(string topic, Serde<TKey> keySerde, Serde<TValue> valueSerde)
{
    private const int MaxFree = 1024;
    private readonly Stack<HandedOffRecord<TKey, TValue>> _free = new();

    public string Topic => topic;

    public Serde<TKey> KeySerde => keySerde;

    public Serde<TValue> ValueSerde => valueSerde;

    public HandedOffRecord<TKey, TValue> Rent(TKey? key, TValue? value, long timestamp, Headers? headers)
    {
        var r = _free.TryPop(out var free) ? free : new HandedOffRecord<TKey, TValue>(this);
        r.Set(key, value, timestamp, headers);
        return r;
    }

    internal void Return(HandedOffRecord<TKey, TValue> record)
    {
        if (_free.Count < MaxFree) _free.Push(record);
    }
}
