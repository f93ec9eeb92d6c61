using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary><c>braid topology</c>: builds a sample topology and prints its description.</summary>
internal sealed class TopologyCommand : Command<TopologyCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("text (Kafka's describe format), mermaid or dot.")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() =>
            Format is "text" or "mermaid" or "dot"
                ? ValidationResult.Success()
                : ValidationResult.Error($"--format must be text, mermaid or dot, not '{Format}'.");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var description = SampleTopology.ProductViews().Describe();
        Console.WriteLine(settings.Format switch
        {
            "mermaid" => TopologyRenderer.Mermaid(description),
            "dot" => TopologyRenderer.Dot(description),
            _ => description.ToString(),
        });
        return ExitCodes.Success;
    }
}
