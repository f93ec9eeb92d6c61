using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>Pipes into "left"/"right" string tables and keeps the output topic as a table (tombstones remove).</summary>
internal sealed class FkTestKit : IDisposable
{
    private readonly TestInputTopic<string, string> _left;
    private readonly TestInputTopic<string, string> _right;
    private readonly TestOutputTopic<string, string> _out;

    public FkTestKit(Func<KTable<string, string>, KTable<string, string>, KTable<string, string>> join)
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var left = b.Table("left", strings, Materialized.As<string, string>("left-store"));
        var right = b.Table("right", strings, Materialized.As<string, string>("right-store"));
        join(left, right).ToStream().To("out", Produced.With(Serdes.String, Serdes.String));
        Driver = new TopologyTestDriver(b.Build());
        _left = Driver.CreateInputTopic<string, string>("left");
        _right = Driver.CreateInputTopic<string, string>("right");
        _out = Driver.CreateOutputTopic<string, string>("out");
    }

    public TopologyTestDriver Driver { get; }

    public Dictionary<string, string> Table { get; } = new();

    public void Left(string key, string? value, long ts) => _left.PipeInput(key, value, ts);

    public void Right(string key, string? value, long ts) => _right.PipeInput(key, value, ts);

    /// <summary>Outputs since the last call, as "key=value" ("key=null" for a tombstone); also applied to <see cref="Table"/>.</summary>
    public List<string> Read() => ReadRecords().Select(r => $"{r.Key}={r.Value ?? "null"}").ToList();

    /// <summary>Outputs since the last call, with timestamps; also applied to <see cref="Table"/>.</summary>
    public List<TestRecord<string, string>> ReadRecords()
    {
        var list = _out.ReadRecordsToList();
        foreach (var r in list)
        {
            if (r.Value is null) Table.Remove(r.Key!);
            else Table[r.Key!] = r.Value;
        }
        return list;
    }

    public void Dispose() => Driver.Dispose();
}
