using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Windowed;

/// <summary>
/// Runs one windowed aggregation over topic "in" (string keys and values) and renders what reaches topic
/// "out" as "key[start,end]=value@timestamp" ("=null" for a tombstone), so tests compare plain strings.
/// </summary>
internal sealed class WindowHarness : IDisposable
{
    private readonly TestInputTopic<string, string> _in;
    private readonly TestOutputTopic<Windowed<string>, string> _out;

    public WindowHarness(Func<KGroupedStream<string, string>, KTable<Windowed<string>, string>> aggregate, Serde<Windowed<string>> windowedSerde,
        Func<KTable<Windowed<string>, string>, KTable<Windowed<string>, string>>? after = null)
    {
        var sb = new StreamsBuilder();
        var table = aggregate(sb.Stream<string, string>("in").GroupByKey());
        if (after is not null) table = after(table);
        table.ToStream().To("out", Produced.With(windowedSerde, Serdes.String));
        Topology = sb.Build();
        Driver = new TopologyTestDriver(Topology);
        _in = Driver.CreateInputTopic<string, string>("in");
        _out = Driver.CreateOutputTopic("out", windowedSerde, Serdes.String);
    }

    public Topology Topology { get; }

    public TopologyTestDriver Driver { get; }

    public static KTable<Windowed<string>, string> AsText(KTable<Windowed<string>, long> counts) => counts.MapValues((_, v) => v.ToString());

    /// <summary>Pipes one record and returns what it caused downstream.</summary>
    public List<string> Pipe(string? key, string? value, long timestamp)
    {
        _in.PipeInput(key, value, timestamp);
        return Read();
    }

    public List<string> Read() =>
        _out.ReadRecordsToList().Select(r => $"{r.Key.Key}[{r.Key.Window.Start},{r.Key.Window.End}]={r.Value ?? "null"}@{r.Timestamp}").ToList();

    public long Dropped(string reason) => Driver.DroppedRecords.Where(d => d.Key.EndsWith(":" + reason, StringComparison.Ordinal)).Sum(d => d.Value);

    public void Dispose() => Driver.Dispose();
}
