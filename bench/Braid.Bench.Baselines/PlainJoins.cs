namespace Braid.Bench.Baselines;

/// <summary>KStream–KTable inner join: look the stream record's key up in the table.</summary>
internal sealed class PlainStreamTableJoin<TSink>(int capacity) where TSink : struct, ISink
{
    private readonly Dictionary<string, string> _table = new(capacity);
    public TSink Sink = default;

    public void LoadTable(string key, string value) => _table[key] = value;

    public void ProcessStream(string key, string value)
    {
        if (_table.TryGetValue(key, out string? t))
            Sink.Emit(key, JoinSpec.Join(value, t));
    }
}

/// <summary>
/// KTable–KTable inner join (non-materialised result, no caching): an update to one side replaces that side's
/// value and emits a result when the other side has the key. No deletes occur in this workload.
/// </summary>
internal sealed class PlainTableTableJoin<TSink>(int capacity) where TSink : struct, ISink
{
    private readonly Dictionary<string, string> _a = new(capacity);
    private readonly Dictionary<string, string> _b = new(capacity);
    public TSink Sink = default;

    public void ProcessA(string key, string value)
    {
        _a[key] = value;
        if (_b.TryGetValue(key, out string? b))
            Sink.Emit(key, JoinSpec.Join(value, b));
    }

    public void ProcessB(string key, string value)
    {
        _b[key] = value;
        if (_a.TryGetValue(key, out string? a))
            Sink.Emit(key, JoinSpec.Join(a, value));
    }
}
