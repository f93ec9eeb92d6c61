using System.Globalization;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Collect's emitted stream against a from-scratch model, after every random step: players move between teams,
/// change points (ties included) and leave, and each team shows its top 3. The model recomputes the shown list
/// from all members and expects an output exactly when it changed. Catches an incremental shortcut that skips
/// a change touching the shown members (wrong boundary), emits an unchanged list, or loses the tombstone of an
/// emptied team.
/// </summary>
public sealed class CollectEmissionPropertyTests
{
    private const int Limit = 3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Collect_EmitsExactlyWhenTheShownMembersChange(int seed)
    {
        var b = new StreamsBuilder();
        b.Table("scores", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((player, v) => KeyValue.Pair(v.Split(':')[0], player + ":" + v.Split(':')[1]))
            .Collect(m => int.Parse(m.Split(':')[1], CultureInfo.InvariantCulture), descending: true, limit: Limit)
            .ToStream().MapValues(v => v is null ? "<gone>" : string.Join(",", v)).To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build());
        var input = d.CreateInputTopic<string, string>("scores");
        var output = d.CreateOutputTopic<string, string>("out");

        var rng = new Random(seed);
        var rows = new Dictionary<string, (string Team, int Points, long Seq)>();
        var shown = new Dictionary<string, string>();
        long seq = 0;
        for (int step = 0; step < 600; step++)
        {
            string player = "p" + rng.Next(12);
            string? value = rng.Next(5) == 0 ? null : $"t{rng.Next(3)}:{rng.Next(6)}";
            input.PipeInput(player, value, step + 1);
            var touched = new HashSet<string>();
            if (rows.Remove(player, out var before)) touched.Add(before.Team);
            if (value is not null)
            {
                var team = value.Split(':')[0];
                rows[player] = (team, int.Parse(value.Split(':')[1], CultureInfo.InvariantCulture), seq++);
                touched.Add(team);
            }
            var expected = new List<KeyValuePair<string, string>>();
            // Removal then insertion per change, as one update: a move between teams touches two groups,
            // the old team first (Kafka's KTableRepartitionMap sends the subtraction first).
            foreach (var team in touched.OrderBy(t => before.Team == t ? 0 : 1))
            {
                // Highest points first; ties in arrival order of the member's current value.
                var view = rows.Where(r => r.Value.Team == team).OrderByDescending(r => r.Value.Points).ThenBy(r => r.Value.Seq)
                    .Take(Limit).Select(r => $"{r.Key}:{r.Value.Points}").ToList();
                string now = view.Count == 0 ? "<gone>" : string.Join(",", view);
                string was = shown.GetValueOrDefault(team, "<gone>");
                if (now == was) continue;
                expected.Add(new(team, now));
                if (view.Count == 0) shown.Remove(team);
                else shown[team] = now;
            }
            var actual = output.ReadKeyValuesToList().Select(kv => new KeyValuePair<string, string>(kv.Key!, kv.Value!)).ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"seed {seed}, step {step} ({player} → {value ?? "delete"}): expected [{string.Join("; ", expected)}], got [{string.Join("; ", actual)}]");
        }
    }
}
