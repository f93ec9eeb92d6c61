namespace Braid.Bench.Baselines;

/// <summary>
/// Tumbling-window count per key (Kafka's KStreamWindowAggregate, no caching): stream time is the largest timestamp seen;
/// a record whose window has closed (window end &lt;= stream time - grace) is dropped, any other one increments its
/// window's count and emits it. Windows are dropped once closed, so state follows the window, not the input.
/// </summary>
internal sealed class PlainWindowedCount<TSink>(int capacity) where TSink : struct, ISink
{
    private const long Size = JoinSpec.WindowSizeMs, Grace = 0;
    private readonly SortedDictionary<long, Dictionary<string, long>> _windows = new();
    private long _streamTime = long.MinValue;
    public TSink Sink = default;

    public void Process(string key, long ts)
    {
        if (ts > _streamTime)
        {
            _streamTime = ts;
            while (_windows.Count > 0 && _windows.First() is var w && w.Key + Size <= _streamTime - Grace) _windows.Remove(w.Key);
        }
        long start = ts - ts % Size;
        if (start + Size <= _streamTime - Grace) return;
        if (!_windows.TryGetValue(start, out var counts)) _windows[start] = counts = new Dictionary<string, long>(capacity);
        long count = counts.TryGetValue(key, out long c) ? c + 1 : 1;
        counts[key] = count;
        Sink.Emit(key, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
