using Braid.Kafka.Internal;

namespace Braid.Kafka.Tests;

public sealed class TopicLayoutTests
{
    // Bug caught: repartition topics created with the broker's default retention (7 days): after a longer stop, unread
    // repartition records were deleted, so their input was lost although its offsets were committed.
    [Fact]
    public void Repartition_topics_keep_records_until_read_as_Kafka_Streams_creates_them()
    {
        var layout = TopicLayout.Compute(Topologies.RekeyCount("in", "out").Model, "app", new Dictionary<string, int> { ["in"] = 3, ["out"] = 3 });
        var repartition = Assert.Single(layout.InternalTopics, t => t.Name.EndsWith("-repartition", StringComparison.Ordinal));
        Assert.Equal("-1", repartition.Configs["retention.ms"]);
        Assert.Equal("delete", repartition.Configs["cleanup.policy"]);
        Assert.True(layout.IsRepartition(repartition.Name));
        Assert.False(layout.IsRepartition("in"));
        Assert.False(layout.IsRepartition(TopicLayout.ChangelogName("app", "counts")));
    }
}
