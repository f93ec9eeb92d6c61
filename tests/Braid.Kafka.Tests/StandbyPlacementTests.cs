using Braid.Kafka.Internal;

namespace Braid.Kafka.Tests;

/// <summary>The standby placement every instance computes alike (rendezvous hashing over the live instances).</summary>
public sealed class StandbyPlacementTests
{
    private static readonly string[] Tasks = Enumerable.Range(0, 3).SelectMany(s => Enumerable.Range(0, 8).Select(p => $"{s}_{p}")).ToArray();

    // Bugs caught: a standby placed on its own active instance (a fail-over would find no warm copy elsewhere), too few or
    // too many replicas, and an order that depends on the input order (instances would disagree about who keeps what).
    [Fact]
    public void Standbys_never_sit_with_their_active_and_every_instance_computes_the_same_ones()
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            var instances = Enumerable.Range(0, rng.Next(1, 7)).Select(i => "host" + i + ":" + rng.Next(1000, 2000)).Distinct().ToList();
            int replicas = rng.Next(0, 4);
            foreach (var task in Tasks)
            {
                var actives = instances.Where(_ => rng.Next(4) == 0).ToHashSet();
                var placed = StandbyPlacement.For(task, instances, actives, replicas);
                var shuffled = instances.OrderBy(_ => rng.Next()).ToList();
                Assert.True(placed.SequenceEqual(StandbyPlacement.For(task, shuffled, actives, replicas)), $"seed {seed}: order-dependent placement");
                Assert.DoesNotContain(placed, actives.Contains);
                Assert.Equal(Math.Min(replicas, instances.Count - actives.Count), placed.Count);
                Assert.Equal(placed.Count, placed.Distinct().Count());
            }
        }
    }

    // Bug caught: a placement that reshuffles standbys whenever membership changes (every instance would re-read whole
    // changelogs after each join or leave) instead of moving only those that lived on the instance that left.
    [Fact]
    public void When_an_instance_leaves_only_the_standbys_it_kept_move()
    {
        var instances = Enumerable.Range(0, 5).Select(i => "i" + i).ToList();
        var before = Tasks.ToDictionary(t => t, t => StandbyPlacement.For(t, instances, new HashSet<string>(), 2));
        var after = Tasks.ToDictionary(t => t, t => StandbyPlacement.For(t, instances.Where(i => i != "i3"), new HashSet<string>(), 2));
        foreach (var t in Tasks)
        {
            // Every surviving standby stays where it was; only i3's place is taken by the next in the ranking.
            Assert.All(before[t].Where(i => i != "i3"), i => Assert.Contains(i, after[t]));
        }
        Assert.Contains(Tasks, t => before[t].Contains("i3")); // the check above is not vacuous
    }

    // Bug caught: a hash that piles every standby onto one instance (its disk and network would carry all replicas).
    [Fact]
    public void Standbys_spread_over_the_instances()
    {
        var instances = Enumerable.Range(0, 4).Select(i => "10.0.0." + i + ":8080").ToList();
        var many = Enumerable.Range(0, 400).Select(p => "0_" + p);
        var load = many.SelectMany(t => StandbyPlacement.For(t, instances, new HashSet<string>(), 1)).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, load.Count);
        Assert.All(load.Values, n => Assert.InRange(n, 60, 140)); // 100 each on average
    }
}
