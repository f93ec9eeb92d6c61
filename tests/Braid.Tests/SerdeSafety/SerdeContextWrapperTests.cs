using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Serialization;
using Braid.Tests.Shared;
using Braid.Testing;

namespace Braid.Tests.SerdeSafety;

/// <summary>
/// Wrapper serdes (windowed keys, foreign-key messages, handed-off records) give the serde they wrap the topic
/// context, as Kafka's TimeWindowedSerializer, ChangedSerializer and SubscriptionWrapperSerde do: a serde that
/// needs a topic (Schema Registry picks its subject from it) works wrapped as it does alone.
/// </summary>
public sealed class SerdeContextWrapperTests
{
    private static readonly TopicTaggedSerde Tagged = new();

    [Fact]
    public void TimeWindowedKeys_WrittenToATopic_GiveTheInnerKeySerdeThatTopic_AndReadBack()
    {
        var b = new StreamsBuilder();
        b.Stream("clicks", Consumed.With(Serdes.String, Serdes.String)).GroupByKey()
            .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromSeconds(10))).Count()
            .ToStream().To("counts", Produced.With(WindowedSerdes.TimeWindowed(Tagged, TimeSpan.FromSeconds(10)), Serdes.Int64));
        using var driver = new TopologyTestDriver(b.Build());
        var clicks = driver.CreateInputTopic("clicks", Serdes.String, Serdes.String);
        clicks.PipeInput("alice", "x", 1_000);
        clicks.PipeInput("alice", "x", 12_000);

        var raw = driver.CreateOutputTopic("counts", Serdes.ByteArray, Serdes.Int64).ReadRecordsToList();
        Assert.All(raw, r => Assert.StartsWith("counts/Key|alice", Encoding.UTF8.GetString(r.Key!), StringComparison.Ordinal));
        // Read back as a consumer of the topic would: the windowed serde hands the topic on to the inner one.
        var windowed = WindowedSerdes.TimeWindowed(Tagged, TimeSpan.FromSeconds(10));
        var keys = raw.Select(r => windowed.Deserialize(r.Key, new SerdeContext("counts", SerdeTarget.Key, null)));
        Assert.Equal([("alice", 0L, 10_000L), ("alice", 10_000L, 20_000L)], keys.Select(k => (k.Key, k.Window.Start, k.Window.End)));
        Assert.Equal([1L, 1L], raw.Select(r => r.Value));
    }

    [Fact]
    public void SessionWindowedKeys_WrittenToATopic_GiveTheInnerKeySerdeThatTopic_AndReadBack()
    {
        var b = new StreamsBuilder();
        b.Stream("clicks", Consumed.With(Serdes.String, Serdes.String)).GroupByKey()
            .WindowedBy(SessionWindows.OfInactivityGapWithNoGrace(TimeSpan.FromSeconds(5))).Count()
            .ToStream().To("sessions", Produced.With(WindowedSerdes.SessionWindowed(Tagged), Serdes.Int64));
        using var driver = new TopologyTestDriver(b.Build());
        driver.CreateInputTopic("clicks", Serdes.String, Serdes.String).PipeInput("bob", "x", 1_000);
        var sessions = driver.CreateOutputTopic("sessions", WindowedSerdes.SessionWindowed(Tagged), Serdes.Int64).ReadKeyValuesToList();
        Assert.Equal([("bob", 1_000L, 1_000L, 1L)], sessions.Select(kv => (kv.Key!.Key, kv.Key.Window.Start, kv.Key.Window.End, kv.Value)));
    }

    [Fact]
    public void ForeignKeySubscription_SerializesThePrimaryKeyUnderKafkasPseudoTopic_AndTheResponseUnderItsTopic()
    {
        var subscription = new SubscriptionSerde<string>(Tagged);
        var context = new SerdeContext("app-sub-registration-topic", SerdeTarget.Value, null);
        var bytes = subscription.Serialize(new Subscription<string>("order-1", SubscriptionInstruction.PropagateOnlyIfValue, 7, true), context);
        Assert.Contains("app-sub-registration-topic-pk/Key|order-1", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var back = subscription.Deserialize(bytes, context);
        Assert.Equal(("order-1", (UInt128)7), (back.LeftKey, back.Hash));

        var response = new SubscriptionResponseSerde<string>(Tagged);
        var responseContext = new SerdeContext("app-sub-response-topic", SerdeTarget.Value, null);
        var answer = response.Deserialize(response.Serialize(new SubscriptionResponse<string>("blue", true, 7, true), responseContext), responseContext);
        Assert.Equal("blue", answer.Right);
    }
}
