using Braid.Embedded;
using Braid.Samples;
using Braid.Serialization;

namespace Braid.Cli;

/// <summary>
/// Runs a demo script on the embedded runtime: a <see cref="BraidApplication"/> in a fresh temporary state
/// directory (deleted afterwards), one partition per topic so the output order is the driver's, and each
/// topic's cleanup policy chosen from what the script says it must keep.
/// </summary>
internal sealed class EmbeddedHost : IDemoHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _stateDirectory;
    private readonly BraidApplication _app;
    private readonly Dictionary<string, TopicReader<byte[], byte[]>> _readers = new();

    public EmbeddedHost(DemoScript script)
    {
        _stateDirectory = Directory.CreateTempSubdirectory("braid-demo-");
        try
        {
            _app = new BraidApplication(script.BuildTopology(), new BraidApplicationOptions
            {
                // No throttle on held-back join results: a demo steps through time faster than the wall clock.
                Streams = new StreamsConfig { ApplicationId = "braid-demo", OuterJoinEmitInterval = TimeSpan.Zero },
                StateDirectory = _stateDirectory.FullName,
                // Commit after every batch: each demo step waits until its output is committed and visible.
                CommitInterval = TimeSpan.Zero,
                Topics = (script.Retention ?? new Dictionary<string, TopicRetention>())
                    .Select(t => new TopicOptions { Name = t.Key, Cleanup = t.Value == TopicRetention.LatestPerKey ? CleanupPolicy.Compact : CleanupPolicy.KeepAll })
                    .ToList(),
            });
            _app.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            _stateDirectory.Delete(recursive: true);
            throw;
        }
    }

    public void Send(DemoInput input)
    {
        _app.CreateProducer(input.Topic, Serdes.ByteArray, Serdes.ByteArray).Send(input.Key, input.Value, input.Timestamp);
        _app.WaitForIdleAsync(Patience).GetAwaiter().GetResult();
    }

    public IReadOnlyList<(byte[]? Key, byte[]? Value, long Timestamp)> Read(string topic)
    {
        if (!_readers.TryGetValue(topic, out var reader))
            _readers[topic] = reader = _app.CreateReader(topic, Serdes.ByteArray, Serdes.ByteArray);
        return reader.ReadToEnd().Select(r => (r.Key, r.Value, r.Timestamp)).ToList();
    }

    public TValue? Get<TKey, TValue>(string store, TKey key) where TValue : class =>
        _app.GetTimestampedKeyValueStore<TKey, TValue>(store).TryGet(key, out var found) ? found.Value : null;

    public void Dispose()
    {
        _app.Dispose();
        _stateDirectory.Delete(recursive: true);
    }
}
