using Braid.Serialization;
using Braid.Testing;

namespace Braid.Sql.Tests;

/// <summary>A compiled SQL program in the TopologyTestDriver, fed and read in the CLI's JSON-lines formats.</summary>
internal sealed class SqlDriver : IDisposable
{
    private readonly TopologyTestDriver _driver;

    public SqlDriver(string sql)
    {
        Program = BraidSql.Compile(sql);
        _driver = new TopologyTestDriver(Program.Topology);
    }

    public SqlProgram Program { get; }

    public void Send(string source, string line)
    {
        var s = Program.Source(source);
        var (key, value, ts) = SqlJsonLines.ParseInput(s, line, source);
        _driver.CreateInputTopic(s.Topic, Serdes.ByteArray, Serdes.ByteArray).PipeRawInput(key, value, ts);
    }

    /// <summary>The view's rows from its store, sorted by key, as output lines.</summary>
    public List<string> View(string name)
    {
        var view = Program.View(name);
        return _driver.GetTimestampedKeyValueStore<SqlRow, SqlRow>(view.StoreName!).All()
            .OrderBy(kv => kv.Key)
            .Select(kv => SqlJsonLines.ViewLine(view, kv.Key, kv.Value.Value))
            .ToList();
    }

    /// <summary>The view's rows as (key, value) pairs.</summary>
    public List<(SqlRow Key, SqlRow Value)> Rows(string name)
    {
        var view = Program.View(name);
        return _driver.GetTimestampedKeyValueStore<SqlRow, SqlRow>(view.StoreName!).All()
            .OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value.Value)).ToList();
    }

    /// <summary>Records written to a view's or stream's topic since the last read, as output lines.</summary>
    public List<string> Stream(string name)
    {
        var view = Program.View(name);
        return _driver.CreateOutputTopic(view.Topic, view.KeySerde, view.ValueSerde).ReadRecordsToList()
            .Select(r => SqlJsonLines.StreamLine(view, r.Key, r.Value, r.Timestamp)).ToList();
    }

    public void Dispose() => _driver.Dispose();
}
