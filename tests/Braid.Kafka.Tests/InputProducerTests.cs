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

    // Bug caught: the customers were produced with timestamp 0, which librdkafka replaces with the wall clock, so every
    // customer sorted after every order and a task holding both joined the orders first (inner-join misses reported as
    // lost input; session 16). Mutation: CustomerTimestamp = 0 fails it.
    [Fact]
    public void Customers_reach_the_cluster_stamped_before_every_order()
    {
        using var cluster = new MockKafkaCluster(1);
        cluster.CreateTopic(FailoverWorkload.Customers, 1);
        cluster.CreateTopic(FailoverWorkload.Orders, 1);
        using var producer = new InputProducer(cluster.BootstrapServers);
        producer.Send(FailoverWorkload.Customers, FailoverWorkload.Customer(0), "name0", FailoverWorkload.CustomerTimestamp);
        producer.Send(FailoverWorkload.Orders, FailoverWorkload.Customer(3), "o3", FailoverWorkload.InputTimestamp(3));
        Assert.Equal(0, producer.Complete(TimeSpan.FromSeconds(30)));

        long customer = Timestamps(cluster, FailoverWorkload.Customers).Single();
        long order = Timestamps(cluster, FailoverWorkload.Orders).Single();

        Assert.True(customer < FailoverWorkload.InputTimestamp(0), $"customer stamped {customer}, orders from {FailoverWorkload.InputTimestamp(0)}");
        Assert.Equal(FailoverWorkload.InputTimestamp(3), order);
    }

    private static List<long> Timestamps(MockKafkaCluster cluster, string topic)
    {
        using var c = new Confluent.Kafka.ConsumerBuilder<byte[]?, byte[]?>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = "timestamps", EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
        c.Assign(new Confluent.Kafka.TopicPartitionOffset(topic, 0, 0));
        var result = new List<long>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var r = c.Consume(100);
            if (r is null) continue;
            if (r.IsPartitionEOF) break;
            result.Add(r.Message.Timestamp.UnixTimestampMs);
        }
        return result;
    }
}
