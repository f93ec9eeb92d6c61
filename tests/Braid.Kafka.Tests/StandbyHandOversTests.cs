using Braid.Kafka.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using Confluent.Kafka;

namespace Braid.Kafka.Tests;

/// <summary>
/// The settling rules of <see cref="StandbyHandOvers"/> one by one, without a cluster (the mock-cluster scenario is
/// <see cref="DroppedHandOverTests"/>, which exercises the reopen branch; these cover the close, reclaim and bounds branches).
/// </summary>
public sealed class StandbyHandOversTests
{
    private static readonly TaskId Task = new(0, 1);
    private static readonly TopicPartition Changelog = new("app-counts-changelog", 1);

    private static InMemoryHandOver Filled(long position)
    {
        var stores = new KeptInMemoryStores();
        var counts = stores.CreateKeyValueStore(new KeyValueStoreBuilder<string, long>("counts", Serdes.String, Serdes.Int64));
        counts.Put("u1", 3);
        return new InMemoryHandOver(stores, new Dictionary<TopicPartition, long> { [Changelog] = position });
    }

    private static List<HandOverStep> Steps(StandbyHandOvers h) => h.Log.Select(e => e.Step).ToList();

    // Bugs caught: a dropped hand-over forgotten without closing its stores, kept referenced after the placement settled it,
    // or handed to a later claim once closed.
    [Fact]
    public void A_dropped_hand_over_no_standby_reopens_is_closed_and_never_handed_out_again()
    {
        var h = new StandbyHandOvers { Recording = true };
        var given = Filled(120);
        h.Give(Task, given);
        h.Drop(Task);
        Assert.Equal(1, h.Outstanding);
        h.DisposeReturned(); // the placement keeps no standby of the task here
        Assert.Equal(0, h.Outstanding);
        Assert.Empty(given.Stores.Names); // closed and forgotten
        h.Reclaim(Task);
        Assert.Null(h.Take(Task));
        Assert.Null(h.TakeReturned(Task, _ => new WatermarkOffsets(0, 500)));
        Assert.Equal([HandOverStep.Given, HandOverStep.Dropped, HandOverStep.Disposed], Steps(h));
    }

    // Bugs caught: a claim coming back before the standby reopened getting nothing (a full restore), other stores, or other
    // positions than the dropped ones (lost or re-applied records), or the old record taken as it was (no settled step).
    [Fact]
    public void A_task_claimed_again_before_its_standby_reopened_gets_the_same_stores_and_positions_again()
    {
        var h = new StandbyHandOvers { Recording = true };
        var given = Filled(120);
        h.Give(Task, given);
        h.Drop(Task);
        h.Reclaim(Task);
        var taken = h.Take(Task);
        Assert.NotNull(taken);
        Assert.NotSame(given, taken);
        Assert.Same(given.Stores, taken.Stores);
        Assert.Equal(120, taken.Positions[Changelog]);
        Assert.Single(taken.Stores.Names);
        Assert.Equal(0, h.Outstanding);
        Assert.Equal([HandOverStep.Given, HandOverStep.Dropped, HandOverStep.Reclaimed, HandOverStep.Given, HandOverStep.Taken], Steps(h));
    }

    // Bugs caught: a standby reopened on stores whose positions lie outside the changelog (re-created: beyond its end;
    // truncated: below its start, deleted tombstones never applied) instead of starting afresh.
    [Theory]
    [InlineData(150, 0, 100, false)] // beyond the end: the changelog was re-created
    [InlineData(120, 0, 119, false)]
    [InlineData(120, 121, 300, false)] // below the start: records it never applied were deleted
    [InlineData(120, 120, 120, true)]
    [InlineData(120, 0, 500, true)]
    public void A_dropped_hand_over_reopens_its_standby_only_while_its_positions_lie_within_the_changelog(long position, long low, long high, bool within)
    {
        var h = new StandbyHandOvers { Recording = true };
        var given = Filled(position);
        h.Give(Task, given);
        h.Drop(Task);
        var reopened = h.TakeReturned(Task, _ => new WatermarkOffsets(low, high));
        Assert.Equal(0, h.Outstanding);
        if (within)
        {
            Assert.Same(given, reopened);
            Assert.Single(given.Stores.Names);
        }
        else
        {
            Assert.Null(reopened);
            Assert.Empty(given.Stores.Names);
            Assert.Equal(HandOverStep.Disposed, Steps(h)[^1]);
        }
    }
}
