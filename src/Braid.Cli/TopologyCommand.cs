using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid topology</c>: prints a topology's description (text, Mermaid or DOT): a user's, loaded from a
/// built assembly and a type name, or without them the CLI's product-views sample.
/// </summary>
internal sealed class TopologyCommand : Command<TopologyCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("text (Kafka's describe format), mermaid or dot.")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--assembly <PATH>")]
        [Description("A built assembly (.dll) that defines your topology; use with --type.")]
        public string? Assembly { get; init; }

        [CommandOption("--type <TYPE>")]
        [Description("The full name of the type whose public static method or property (no parameters) returns a Topology or StreamsBuilder.")]
        public string? Type { get; init; }

        [CommandOption("--member <NAME>")]
        [Description("Which member of --type to call, when it has more than one that returns a Topology.")]
        public string? Member { get; init; }

        public override ValidationResult Validate()
        {
            if (Format is not ("text" or "mermaid" or "dot"))
                return ValidationResult.Error($"--format must be text, mermaid or dot, not '{Format}'.");
            if ((Assembly is null) != (Type is null))
                return ValidationResult.Error("--assembly and --type go together: the built .dll and the type that builds the topology.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var topology = settings.Assembly is null
            ? SampleTopology.ProductViews()
            : UserTopology.Load(settings.Assembly, settings.Type!, settings.Member);
        var description = topology.Describe();
        Console.WriteLine(settings.Format switch
        {
            "mermaid" => description.ToMermaid(),
            "dot" => description.ToDot(),
            _ => description.ToString(),
        });
        return ExitCodes.Success;
    }
}
