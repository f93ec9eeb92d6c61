using Microsoft.Extensions.Configuration;

namespace Braid.Kafka.Tests;

/// <summary><see cref="KafkaStreamsOptions.MaxWarmupReplicas"/> from configuration, like the other options.</summary>
public sealed class WarmupOptionsTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    // Bugs caught: the option not bindable (not a public init property, or renamed without the docs), a default other than
    // Kafka's max.warmup.replicas (2), and a bound value of 0 accepted (no task would ever move for balance).
    [Fact]
    public void MaxWarmupReplicas_binds_from_configuration_defaults_to_two_and_is_validated_naming_the_key()
    {
        var ok = Config(new()
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092", ["Kafka:StateDirectory"] = "/tmp/braid-warmup-options",
            ["Kafka:TaskAssignment"] = "LagAware", ["Kafka:MaxWarmupReplicas"] = "3",
        });
        Assert.Equal(3, KafkaServiceCollectionExtensions.BindKafka(ok, null).MaxWarmupReplicas);
        Assert.Equal(2, new KafkaStreamsOptions().MaxWarmupReplicas);
        var zero = Config(new()
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9092", ["Kafka:StateDirectory"] = "/tmp/braid-warmup-options",
            ["Kafka:TaskAssignment"] = "LagAware", ["Kafka:MaxWarmupReplicas"] = "0",
        });
        Assert.Equal("MaxWarmupReplicas", Assert.Throws<ConfigException>(() => KafkaServiceCollectionExtensions.BindKafka(zero, null)).Key);
    }
}
