using Braid.Kafka;
using Braid.Kafka.Mock;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Cli;

/// <summary>
/// A self-contained demonstration of the product-views seed example on Kafka: starts librdkafka's in-process
/// mock cluster, runs the product-views ⋈ products stream–table join (views keyed by product id, so both
/// topics are co-partitioned) on two instances of one application, and prints which instance ran which
/// partitions and where a product's state lives.
/// </summary>
internal static class KafkaDemo
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
        foreach (var t in new[] { "product-views", "products", "enriched-views" }) cluster.CreateTopic(t, partitions);
        await output.WriteLineAsync($"Mock cluster: {cluster.BootstrapServers}; topics product-views, products, enriched-views ({partitions} partitions each).").ConfigureAwait(false);

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
            await WaitAsync(() => apps.All(a => a.State == StreamsState.Running) && apps.Sum(a => a.ActiveTasks.Count) == partitions
                && apps.All(a => a.ActiveTasks.Count > 0), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Partitioner = Partitioner.Murmur2Random }).Build())
            {
                for (int p = 0; p < 20; p++)
                    producer.Produce("products", new Message<string, string> { Key = "prod" + p, Value = $"product {p}, {1000 + 100 * p} won", Timestamp = new Timestamp(1000, TimestampType.CreateTime) });
                producer.Flush(TimeSpan.FromSeconds(10));
                await WaitAsync(() => apps.Sum(a => a.ProcessedRecords) >= 20, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                for (int v = 0; v < 200; v++)
                    producer.Produce("product-views", new Message<string, string> { Key = "prod" + (v % 20), Value = "user" + v, Timestamp = new Timestamp(2000 + v, TimestampType.CreateTime) });
                producer.Flush(TimeSpan.FromSeconds(10));
            }
            await WaitAsync(() => apps.Sum(a => a.ProcessedRecords) >= 220, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            foreach (var app in apps)
            {
                var tasks = string.Join(", ", app.ActiveTasks);
                await output.WriteLineAsync($"{app.InstanceId}: tasks [{tasks}] (task = subtopology_partition), {app.ProcessedRecords} records processed").ConfigureAwait(false);
            }
            var where = apps[0].QueryMetadataForKey("products-store", "prod7", Serdes.String);
            await output.WriteLineAsync($"Key 'prod7' of store products-store: partition {where.Partition}, task {where.Task}, served by {where.ActiveHost}.").ConfigureAwait(false);
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
        var products = builder.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        builder.Stream("product-views", Consumed.With(Serdes.String, Serdes.String))
            .Join(products, (user, product) => user + " saw " + product)
            .To("enriched-views", Produced.With(Serdes.String, Serdes.String));
        return builder.Build();
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        long started = TimeProvider.System.GetTimestamp(); // a timeout: monotonic time, not the wall clock
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > timeout) throw new TimeoutException("the demo did not reach the expected state in time.");
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }
}
