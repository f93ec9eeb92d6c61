namespace Braid.Tests.ForeignKey;

/// <summary>
/// Collect's emitted stream against a from-scratch model for groups of hundreds of members (issue 19, s14-tlc: written
/// for a chunked member column, which was measured slower and reverted; it pins any layout of a large group's members
/// and sort keys, which the small-group Collect tests do not reach). Two teams of up to ~600 players with few distinct point
/// values, so equal-key runs are long; players join, move, change points and leave. With a limit above
/// the team size every member is shown, so any member misplaced or lost at any position shows in the next output;
/// with a small limit, removals at the top promote members from deep in the list. The seed is in the test's name.
/// </summary>
public sealed class CollectLargeGroupEmissionTests
{
    [Theory]
    [InlineData(1, 2000)]
    [InlineData(2, 2000)]
    [InlineData(3, 40)]
    [InlineData(4, 40)]
    public void Collect_OverGroupsOfHundredsOfMembers_EmitsExactlyTheModelsShownMembers(int seed, int limit)
    {
        using var teams = new CollectTeams(limit);
        var rng = new Random(seed);
        int largest = 0;
        for (int step = 0; step < 3000; step++)
        {
            // Grow for the first half (joins dominate), then churn (a third of the steps leave).
            string player = "p" + rng.Next(1200);
            bool leave = rng.Next(step < 2000 ? 12 : 4) == 0;
            // Points: mostly 0-15 (long runs of equal keys), sometimes far above or below all others (the ends).
            int points = rng.Next(10) switch { 0 => 100 + step, 1 => -step, _ => rng.Next(16) };
            string? value = leave ? null : $"t{rng.Next(2)}:{points}";
            var (expected, actual) = teams.Pipe(player, value, step + 1);
            largest = Math.Max(largest, teams.Members("t0"));
            Assert.True(expected.SequenceEqual(actual),
                $"seed {seed}, step {step} ({player} → {value ?? "delete"}): expected {expected.Count} outputs [{string.Join("; ", expected).Length} chars], got {actual.Count}: first difference in [{Diff(expected, actual)}]");
        }
        Assert.True(largest > 3 * 128, $"a team must have grown past a few hundred members (largest: {largest})");
    }

    private static string Diff(List<KeyValuePair<string, string>> expected, List<KeyValuePair<string, string>> actual)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (expected[i].Equals(actual[i])) continue;
            var e = expected[i].Value.Split(',');
            var a = actual[i].Value.Split(',');
            int k = 0;
            while (k < Math.Min(e.Length, a.Length) && e[k] == a[k]) k++;
            return $"output {i} ({expected[i].Key}) at member {k}: expected {string.Join(",", e.Skip(k).Take(3))}, got {string.Join(",", a.Skip(k).Take(3))}";
        }
        return "counts differ";
    }
}
