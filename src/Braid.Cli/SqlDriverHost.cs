using Braid.Serialization;
using Braid.Sql;
using Braid.State;
using Braid.Testing;

namespace Braid.Cli;

/// <summary>Runs a SQL program in the TopologyTestDriver: synchronous, in memory.</summary>
internal sealed class SqlDriverHost(SqlProgram program) : ISqlHost
{
    private readonly TopologyTestDriver _driver = new(program.Topology);

    public void Send(string topic, byte[]? key, byte[]? value, long timestamp) =>
        _driver.CreateInputTopic(topic, Serdes.ByteArray, Serdes.ByteArray).PipeRawInput(key, value, timestamp);

    public void Flush()
    {
    }

    public IReadOnlyKeyValueStore<SqlRow, ValueAndTimestamp<SqlRow>> Store(SqlView view) =>
        _driver.GetTimestampedKeyValueStore<SqlRow, SqlRow>(view.StoreName!);

    public IReadOnlyList<(SqlRow? Key, SqlRow? Value, long Timestamp)> Read(SqlView view) =>
        _driver.CreateOutputTopic(view.Topic, view.KeySerde, view.ValueSerde).ReadRecordsToList()
            .Select(r => (r.Key, r.Value, r.Timestamp)).ToList();

    public void Dispose() => _driver.Dispose();
}
