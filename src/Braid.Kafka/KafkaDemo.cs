using Braid.Kafka.Mock;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka;

/// <summary>
/// A self-contained demonstration: starts librdkafka's in-process mock cluster, runs the orders ⋈ customers
/// stream–table join on two instances of one application, and prints which instance ran which partitions.
/// </summary>
public static class KafkaDemo
{
    /// <summary>Runs the demo (a few seconds) and writes its report.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="cancellationToken">Stops the demo early.</param>
    /// <returns>A task that completes when the demo has finished and cleaned up.</returns>
    public static async Task RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var cluster = new MockKafkaCluster(3);
        const int partitions = 4;
        foreach (var t in new[] { "orders", "customers", "enriched-orders" }) cluster.CreateTopic(t, partitions);
        await output.WriteLineAsync($"Mock cluster: {cluster.BootstrapServers}; topics orders, customers, enriched-orders ({partitions} partitions).").ConfigureAwait(false);

        var config = new StreamsConfig { ApplicationId = "braid-demo" };
        var options = new KafkaStreamsOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            CommitInterval = TimeSpan.FromMilliseconds(200),
            ClientSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "3000", ["heartbeat.interval.ms"] = "300" },
        };
        var apps = new[] { "instance-a:8080", "instance-b:8080" }
            .Select(server => new BraidKafkaApplication(BuildTopology(), config, options with { ApplicationServer = server }, o => new MockTopicAdmin(cluster)))
            .ToList();
        try
        {
            foreach (var app in apps) await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await WaitAsync(() => apps.All(a => a.State == KafkaStreamsState.Running) && apps.Sum(a => a.ActiveTasks.Count) == partitions
                && apps.All(a => a.ActiveTasks.Count > 0), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Partitioner = Partitioner.Murmur2Random }).Build())
            {
                for (int c = 0; c < 20; c++)
                    producer.Produce("customers", new Message<string, string> { Key = "c" + c, Value = "Customer " + c, Timestamp = new Timestamp(1000, TimestampType.CreateTime) });
                producer.Flush(TimeSpan.FromSeconds(10));
                await WaitAsync(() => apps.Sum(a => a.ProcessedRecords) >= 20, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                for (int o = 0; o < 200; o++)
                    producer.Produce("orders", new Message<string, string> { Key = "c" + (o % 20), Value = "order-" + o, Timestamp = new Timestamp(2000 + o, TimestampType.CreateTime) });
                producer.Flush(TimeSpan.FromSeconds(10));
            }
            await WaitAsync(() => apps.Sum(a => a.ProcessedRecords) >= 220, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            foreach (var app in apps)
            {
                var tasks = string.Join(", ", app.ActiveTasks);
                await output.WriteLineAsync($"{app.InstanceId}: tasks [{tasks}] (task = subtopology_partition), {app.ProcessedRecords} records processed").ConfigureAwait(false);
            }
            var where = apps[0].QueryMetadataForKey("customers-store", "c7", Serdes.String);
            await output.WriteLineAsync($"Key 'c7' of store customers-store: partition {where.Partition}, task {where.Task}, served by {where.ActiveHost}.").ConfigureAwait(false);
            await output.WriteLineAsync("Topology as deployed:").ConfigureAwait(false);
            await output.WriteAsync(apps[0].Describe().ToString()).ConfigureAwait(false);
        }
        finally
        {
            foreach (var app in apps) await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static Topology BuildTopology()
    {
        var builder = new StreamsBuilder();
        var customers = builder.Table("customers", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("customers-store"));
        builder.Stream("orders", Consumed.With(Serdes.String, Serdes.String))
            .Join(customers, (order, customer) => order + " for " + customer)
            .To("enriched-orders", Produced.With(Serdes.String, Serdes.String));
        return builder.Build();
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the demo did not reach the expected state in time.");
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }
}
