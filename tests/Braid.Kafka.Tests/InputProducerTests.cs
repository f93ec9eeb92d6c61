using Braid.Kafka.FailoverHarness;
using Braid.Kafka.Mock;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>The fail-over harness's input producer: an input it counts as sent is in the cluster, so "inputs not
/// reflected" can only be Braid's loss.</summary>
public sealed class InputProducerTests
{
    // Bug caught: the harness sent inputs without a delivery handler, so a record whose delivery failed was counted as
    // sent and then reported as input Braid lost (mutation: Complete returns without re-sending the failed records).
    [Fact]
    public void A_record_whose_delivery_failed_is_sent_again_until_the_cluster_has_it()
    {
        using var cluster = new MockKafkaCluster(1);
        cluster.CreateTopic("in", 1);
        // MESSAGE_TOO_LARGE is not retried by the client: without a re-send the record is dropped, silently without a handler.
        cluster.PushRequestErrors(0 /* Produce */, 10 /* MESSAGE_TOO_LARGE */);
        using var producer = new InputProducer(cluster.BootstrapServers);
        producer.Send("in", "k", "o1", 1000);

        Assert.Equal(0, producer.Complete(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, producer.Failures);
        Assert.Contains(producer.Errors, e => e.StartsWith("in o1: ", StringComparison.Ordinal));
        var stored = OutputReader.ReadAll(cluster.BootstrapServers, "in");
        Assert.NotNull(stored);
        Assert.Equal(["o1"], stored!.Select(r => Serdes.String.Deserialize(r.Value!)));
    }
}
