using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid docs joins</c>: regenerates docs/joins.md from the conformance vectors (or, with --check,
/// reports whether the checked-in page is out of date).
/// </summary>
internal sealed class DocsCommand : Command<DocsCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PAGE>")]
        [Description("The page to generate: joins.")]
        public string Page { get; init; } = "";

        [CommandOption("--vectors <FILE>")]
        [Description("The vector file (default ../shared/vectors/kafka-join-vectors.core.json, run from the repository root).")]
        [DefaultValue("../shared/vectors/kafka-join-vectors.core.json")]
        public string Vectors { get; init; } = "../shared/vectors/kafka-join-vectors.core.json";

        [CommandOption("--out <FILE>")]
        [Description("Where to write the page (default docs/joins.md).")]
        [DefaultValue("docs/joins.md")]
        public string Out { get; init; } = "docs/joins.md";

        [CommandOption("--check")]
        [Description("Write nothing; exit 1 when the page differs from what would be generated.")]
        public bool Check { get; init; }

        public override ValidationResult Validate() =>
            Page == "joins" ? ValidationResult.Success() : ValidationResult.Error($"there is no generated page '{Page}'; the one page is: joins.");
    }

    public const string VectorName = "shared/vectors/kafka-join-vectors.core.json";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Vectors))
        {
            Console.Error.WriteLine($"error: vector file '{settings.Vectors}' not found. Run from the repository root with shared/ cloned beside it, or pass --vectors.");
            return ExitCodes.Usage;
        }
        string page = JoinDocs.Generate(settings.Vectors, VectorName);
        if (settings.Check)
        {
            bool same = File.Exists(settings.Out) && File.ReadAllText(settings.Out) == page;
            if (same) AnsiConsole.MarkupLineInterpolated($"{settings.Out} is up to date.");
            else AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {settings.Out} is out of date; run `braid docs joins` to regenerate it.");
            return same ? ExitCodes.Success : ExitCodes.Failure;
        }
        File.WriteAllText(settings.Out, page);
        AnsiConsole.MarkupLineInterpolated($"wrote {settings.Out}");
        return ExitCodes.Success;
    }
}
