using Braid.Samples.DeliveryOrders;

namespace Braid.Samples.Tests;

public sealed class DeliveryOrdersDemoTests
{
    private readonly DemoScriptRun _run = DemoHarness.Run(DeliveryOrdersDemo.Create()).Scripts.Single();

    [Fact]
    public void EveryEvent_UpdatesTheOrdersRow_AndTheRemovalWritesATombstone()
    {
        Assert.Equal(
        [
            "#1 order-status o1 → customer c7 | rider - | created at 12:00:00 @12:00:00",
            "#2 order-status o2 → customer c9 | rider - | created at 12:01:00 @12:01:00",
            "#3 order-status o1 → customer c7 | rider r3 | rider assigned at 12:02:00 @12:02:00",
            "#4 order-status o1 → customer c7 | rider r3 | picked up at 12:09:00 @12:09:00",
            "#6 order-status o2 → customer c9 | rider r5 | rider assigned at 12:10:00 @12:10:00",
            "#7 order-status o1 → customer c7 | rider r3 | delivered at 12:21:00 @12:21:00",
            "#9 order-status o1 → (tombstone) @12:30:00",
        ], DemoHarness.Lines(_run));
    }

    [Fact]
    public void InteractiveQueries_SeeTheCurrentRow_AndNothingAfterRemoval()
    {
        Assert.Equal(
        [
            "#5 status of o1? → customer c7 | rider r3 | picked up at 12:09:00",
            "#8 status of o1? → customer c7 | rider r3 | delivered at 12:21:00",
            "#10 status of o1? → no such order",
            "#11 status of o2? → customer c9 | rider r5 | rider assigned at 12:10:00",
        ], DemoHarness.Answers(_run));
    }

    [Fact]
    public void CompactedTopic_EndsWithOnlyTheOrderStillInProgress()
    {
        var row = Assert.Single(_run.FinalTable());
        Assert.Equal("o2", row.Key);
    }
}
