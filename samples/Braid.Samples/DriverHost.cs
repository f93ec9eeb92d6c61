using Braid.Serialization;
using Braid.Testing;

namespace Braid.Samples;

/// <summary>Runs a demo script in the <see cref="TopologyTestDriver"/>: synchronous, in memory, deterministic.</summary>
public sealed class DriverHost(Topology topology) : IDemoHost
{
    private readonly TopologyTestDriver _driver = new(topology);

    /// <inheritdoc />
    public void Send(DemoInput input) =>
        _driver.CreateInputTopic(input.Topic, Serdes.ByteArray, Serdes.ByteArray).PipeRawInput(input.Key, input.Value, input.Timestamp);

    /// <inheritdoc />
    public IReadOnlyList<(byte[]? Key, byte[]? Value, long Timestamp)> Read(string topic) =>
        _driver.CreateOutputTopic(topic, Serdes.ByteArray, Serdes.ByteArray).ReadRecordsToList()
            .Select(r => (r.Key, r.Value, r.Timestamp))
            .ToList();

    /// <inheritdoc />
    public TValue? Get<TKey, TValue>(string store, TKey key) where TValue : class =>
        _driver.GetTimestampedKeyValueStore<TKey, TValue>(store).TryGet(key, out var found) ? found.Value : null;

    /// <inheritdoc />
    public void Dispose() => _driver.Dispose();
}
