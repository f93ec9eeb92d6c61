using System.ComponentModel;
using Braid.Conformance;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid conformance FILE</c>: one line per case (PASS / FAIL / SKIP), then
/// "N passed, N failed, N skipped"; exit 0 only when nothing failed.
/// </summary>
internal sealed class ConformanceCommand : Command<ConformanceCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A kafka-join-vectors/1 JSON file, e.g. ../shared/vectors/kafka-join-vectors.core.json")]
        public string File { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        VectorFile file;
        try
        {
            file = VectorFile.Load(settings.File);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message} Pass a kafka-join-vectors/1 file.");
            return ExitCodes.Usage;
        }
        var results = new List<CaseResult>();
        foreach (var r in ConformanceRunner.Run(file))
        {
            results.Add(r);
            // One unwrapped line per case, so scripts and CI can grep it.
            Console.WriteLine(r.ToString().ReplaceLineEndings(" "));
        }
        Console.WriteLine(ConformanceRunner.Summary(results));
        return results.Any(r => r.Outcome == CaseOutcome.Fail) ? ExitCodes.Failure : ExitCodes.Success;
    }
}
