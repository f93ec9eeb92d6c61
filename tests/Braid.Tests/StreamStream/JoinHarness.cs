using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.StreamStream;

/// <summary>A left/right string stream join wired to a test driver; results rendered "key:value@ts".</summary>
internal sealed class JoinHarness : IDisposable
{
    private readonly TopologyTestDriver _driver;
    private readonly TestInputTopic<string, string> _left;
    private readonly TestInputTopic<string, string>? _right;
    private readonly TestOutputTopic<string, string> _out;

    public JoinHarness(string kind, JoinWindows windows, bool self = false, StreamsConfig? config = null)
    {
        var b = new StreamsBuilder();
        var strings = Consumed.With(Serdes.String, Serdes.String);
        var left = b.Stream("left", strings);
        var right = self ? left : b.Stream("right", strings);
        var joined = kind switch
        {
            "inner" => left.Join(right, (l, r) => l + "+" + r, windows),
            "left" => left.LeftJoin(right, (l, r) => l + "+" + (r ?? "null"), windows),
            _ => left.OuterJoin(right, (l, r) => (l ?? "null") + "+" + (r ?? "null"), windows),
        };
        joined.To("out", Produced.With(Serdes.String, Serdes.String));
        _driver = new TopologyTestDriver(b.Build(), config);
        _left = _driver.CreateInputTopic("left", Serdes.String, Serdes.String);
        _right = self ? null : _driver.CreateInputTopic("right", Serdes.String, Serdes.String);
        _out = _driver.CreateOutputTopic("out", Serdes.String, Serdes.String);
    }

    public TopologyTestDriver Driver => _driver;

    public List<string> Left(string? key, string? value, long ts) { _left.PipeInput(key, value, ts); return Read(); }

    public List<string> Right(string? key, string? value, long ts) { _right!.PipeInput(key, value, ts); return Read(); }

    public List<string> Read() => _out.ReadRecordsToList().Select(r => $"{r.Key ?? "null"}:{r.Value}@{r.Timestamp}").ToList();

    public long Dropped(string reason) => _driver.DroppedRecords.Where(kv => kv.Key.EndsWith(":" + reason, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public void Dispose() => _driver.Dispose();
}
