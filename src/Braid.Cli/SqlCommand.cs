using System.ComponentModel;
using Braid.Sql;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid sql FILE.sql [--input NAME=FILE.jsonl]... [--print NAME]... [--format table|jsonl] [--host embedded|driver]</c>:
/// compiles the statements, pipes the inputs (merged by timestamp) through the program and prints the final
/// rows of each named view (sorted by key) or every record of each named stream. Without FILE it opens the
/// interactive shell (<see cref="SqlShell"/>).
/// </summary>
internal sealed class SqlCommand : Command<SqlCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("The SQL program (.sql). Without it, an interactive shell opens.")]
        public string? File { get; init; }

        [CommandOption("--input <NAME=FILE>")]
        [Description("Feed a table or stream from a JSON-lines file: {\"key\": K, \"value\": {...} | null, \"ts\": ms} per line. Repeatable.")]
        public string[] Inputs { get; init; } = [];

        [CommandOption("--print <NAME>")]
        [Description("A view or stream to print at the end (repeatable; default: every view and stream).")]
        public string[] Print { get; init; } = [];

        [CommandOption("--format <FORMAT>")]
        [Description("table (default): readable tables; jsonl: {\"key\": K, \"value\": V} per view row, plus \"ts\" per stream record.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--host <HOST>")]
        [Description("embedded (default): the embedded runtime; driver: the TopologyTestDriver.")]
        [DefaultValue("embedded")]
        public string Host { get; init; } = "embedded";

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "jsonl")) return ValidationResult.Error($"--format must be table or jsonl, not '{Format}'.");
            if (!SqlHosts.Names.Contains(Host)) return ValidationResult.Error($"--host must be embedded or driver, not '{Host}'.");
            foreach (var input in Inputs)
                if (input.IndexOf('=') is <= 0) return ValidationResult.Error($"--input takes NAME=FILE.jsonl, got '{input}'.");
            if (File is not null && !System.IO.File.Exists(File)) return ValidationResult.Error($"no such file: {File}.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = DemoConsole.Create();
        if (settings.File is null) return new SqlShell(console, Console.In, Console.Out, settings.Host).Run(settings.Inputs, cancellationToken);
        SqlProgram program;
        try
        {
            program = BraidSql.Compile(System.IO.File.ReadAllText(settings.File));
        }
        catch (SqlException e)
        {
            Console.Error.WriteLine($"error: {settings.File}:{e.Line}:{e.Column}: {e.Problem}");
            return ExitCodes.Usage;
        }
        List<SqlInputRecord> inputs;
        List<SqlView> toPrint;
        try
        {
            inputs = SqlInputs.Read(program, settings.Inputs);
            toPrint = settings.Print.Length == 0 ? [.. program.Views] : settings.Print.Select(program.View).ToList();
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or IOException or Serialization.SerializationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        using var host = SqlHosts.Create(settings.Host, program);
        foreach (var r in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            host.Send(r.Source.Topic, r.Key, r.Value, r.Timestamp);
        }
        host.Flush();
        var output = new SqlOutput(console, Console.Out, settings.Format == "jsonl");
        foreach (var view in toPrint) output.Print(host, view);
        return ExitCodes.Success;
    }
}
