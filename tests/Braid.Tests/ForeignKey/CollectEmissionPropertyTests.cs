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
        using var teams = new CollectTeams(Limit);
        var rng = new Random(seed);
        for (int step = 0; step < 600; step++)
        {
            string player = "p" + rng.Next(12);
            string? value = rng.Next(5) == 0 ? null : $"t{rng.Next(3)}:{rng.Next(6)}";
            var (expected, actual) = teams.Pipe(player, value, step + 1);
            Assert.True(expected.SequenceEqual(actual),
                $"seed {seed}, step {step} ({player} → {value ?? "delete"}): expected [{string.Join("; ", expected)}], got [{string.Join("; ", actual)}]");
        }
    }
}
