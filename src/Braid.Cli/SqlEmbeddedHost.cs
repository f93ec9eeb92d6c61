using Braid.Embedded;
using Braid.Serialization;
using Braid.Sql;
using Braid.State;

namespace Braid.Cli;

/// <summary>
/// Runs a SQL program on the embedded runtime in a fresh temporary state directory (deleted afterwards).
/// Table inputs are compacted topics, a versioned table's input keeps every record (its history), streams
/// use the default retention. Consecutive records of one topic are produced together; before switching to
/// another topic the host waits until the runtime is idle, so records are processed in input order —
/// the order the driver and the oracle use.
/// </summary>
internal sealed class SqlEmbeddedHost : ISqlHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _stateDirectory;
    private readonly BraidApplication _app;
    private readonly Dictionary<string, TopicReader<SqlRow, SqlRow>> _readers = new();
    private readonly Dictionary<string, TopicProducer<byte[], byte[]>> _producers = new();
    private string? _lastTopic;

    public SqlEmbeddedHost(SqlProgram program)
    {
        _stateDirectory = Directory.CreateTempSubdirectory("braid-sql-");
        try
        {
            _app = new BraidApplication(program.Topology, new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "braid-sql", OuterJoinEmitInterval = TimeSpan.Zero },
                StateDirectory = _stateDirectory.FullName,
                CommitInterval = TimeSpan.Zero,
                Topics = program.Sources.Where(s => s.IsTable)
                    .Select(s => new TopicOptions { Name = s.Topic, Cleanup = s.VersionedRetention is null ? CleanupPolicy.Compact : CleanupPolicy.KeepAll })
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

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp)
    {
        if (_lastTopic is not null && _lastTopic != topic) Flush();
        _lastTopic = topic;
        if (!_producers.TryGetValue(topic, out var producer))
            _producers[topic] = producer = _app.CreateProducer(topic, Serdes.ByteArray, Serdes.ByteArray);
        producer.Send(key, value, timestamp);
    }

    public void Flush() => _app.WaitForIdleAsync(Patience).GetAwaiter().GetResult();

    public IReadOnlyKeyValueStore<SqlRow, ValueAndTimestamp<SqlRow>> Store(SqlView view) =>
        _app.GetTimestampedKeyValueStore<SqlRow, SqlRow>(view.StoreName!);

    public IReadOnlyList<(SqlRow? Key, SqlRow? Value, long Timestamp)> Read(SqlView view)
    {
        if (!_readers.TryGetValue(view.Topic, out var reader))
            _readers[view.Topic] = reader = _app.CreateReader(view.Topic, view.KeySerde, view.ValueSerde);
        return reader.ReadToEnd().Select(r => ((SqlRow?)r.Key, (SqlRow?)r.Value, r.Timestamp)).ToList();
    }

    public void Dispose()
    {
        _app.Dispose();
        _stateDirectory.Delete(recursive: true);
    }
}
