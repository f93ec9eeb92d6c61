using System.Globalization;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The topology and from-scratch model the Collect emission tests share: a table of players (value "team:points") grouped
/// by team and collected highest points first (ties in arrival order of the member's current value), top
/// <c>limit</c> shown. <see cref="Pipe"/> sends one change and returns what the model expects emitted and what was.
/// </summary>
internal sealed class CollectTeams : IDisposable
{
    private readonly TopologyTestDriver _driver;
    private readonly TestInputTopic<string, string> _input;
    private readonly TestOutputTopic<string, string> _output;
    private readonly int _limit;
    private readonly Dictionary<string, (string Team, int Points, long Seq)> _rows = new();
    private readonly Dictionary<string, string> _shown = new();
    private long _seq;

    public CollectTeams(int limit)
    {
        _limit = limit;
        var b = new StreamsBuilder();
        b.Table("scores", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((player, v) => KeyValue.Pair(v.Split(':')[0], player + ":" + v.Split(':')[1]))
            .Collect(m => int.Parse(m.Split(':')[1], CultureInfo.InvariantCulture), descending: true, limit: limit)
            .ToStream().MapValues(v => v is null ? "<gone>" : string.Join(",", v)).To("out", Produced.With(Serdes.String, Serdes.String));
        _driver = new TopologyTestDriver(b.Build());
        _input = _driver.CreateInputTopic<string, string>("scores");
        _output = _driver.CreateOutputTopic<string, string>("out");
    }

    /// <summary>Members of <paramref name="team"/> now.</summary>
    public int Members(string team) => _rows.Values.Count(r => r.Team == team);

    /// <summary>Pipes <paramref name="player"/>'s new value (null: leaves) at <paramref name="ts"/>.</summary>
    public (List<KeyValuePair<string, string>> Expected, List<KeyValuePair<string, string>> Actual) Pipe(string player, string? value, long ts)
    {
        _input.PipeInput(player, value, ts);
        // Removal then insertion per change, as one update: a move between teams touches two groups, the old team first
        // (Kafka's KTableRepartitionMap sends the subtraction first).
        var touched = new List<string>();
        if (_rows.Remove(player, out var before)) touched.Add(before.Team);
        if (value is not null)
        {
            var team = value.Split(':')[0];
            _rows[player] = (team, int.Parse(value.Split(':')[1], CultureInfo.InvariantCulture), _seq++);
            if (!touched.Contains(team)) touched.Add(team);
        }
        var expected = new List<KeyValuePair<string, string>>();
        foreach (var team in touched)
        {
            var view = _rows.Where(r => r.Value.Team == team).OrderByDescending(r => r.Value.Points).ThenBy(r => r.Value.Seq)
                .Take(_limit).Select(r => $"{r.Key}:{r.Value.Points}").ToList();
            string now = view.Count == 0 ? "<gone>" : string.Join(",", view);
            if (now == _shown.GetValueOrDefault(team, "<gone>")) continue;
            expected.Add(new(team, now));
            if (view.Count == 0) _shown.Remove(team);
            else _shown[team] = now;
        }
        var actual = _output.ReadKeyValuesToList().Select(kv => new KeyValuePair<string, string>(kv.Key!, kv.Value!)).ToList();
        return (expected, actual);
    }

    public void Dispose() => _driver.Dispose();
}
