using Confluent.Kafka;
using Braid.Kafka;
using Spectre.Console;

namespace Braid.Cli;

/// <summary>
/// <c>braid demo --backend kafka</c>: the product-views enrichment on Kafka. No broker exists on a developer's
/// machine, so the demo starts librdkafka's in-process mock cluster (real Kafka protocol on loopback) and
/// two application instances that split the partitions between them.
/// </summary>
internal static class KafkaBackend
{
    public static int Run(IAnsiConsole console, CancellationToken cancellationToken)
    {
        console.MarkupLine("[bold]Product views on Kafka[/]: product-views ⋈ products on a mock Kafka cluster, two Braid instances of one application.");
        try
        {
            KafkaDemo.RunAsync(Console.Out, cancellationToken).GetAwaiter().GetResult();
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is KafkaException or TimeoutException or StreamsException)
        {
            Console.Error.WriteLine($"error: the Kafka demo failed: {e.Message.ReplaceLineEndings(" ")} Run `dotnet test tests/Braid.Kafka.Tests` to check the Kafka host.");
            return ExitCodes.Failure;
        }
    }
}
