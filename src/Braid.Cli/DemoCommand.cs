using System.ComponentModel;
using System.Diagnostics;
using Braid.Samples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid demo [NAME]</c>: runs one of the five seed demos, or all of them, and prints for each an
/// explanation, its input records and what the topology produced, as tables.
/// </summary>
internal sealed class DemoCommand : Command<DemoCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[NAME]")]
        [Description("One demo: delivery-orders, search-clicks, product-views, timelines or tax-invoices. Without it, all five run.")]
        public string? Name { get; init; }

        [CommandOption("--host <HOST>")]
        [Description("embedded (default): the embedded runtime; driver: the TopologyTestDriver.")]
        [DefaultValue("embedded")]
        public string Host { get; init; } = "embedded";

        [CommandOption("--backend <BACKEND>")]
        [Description("local (default): run on this machine (see --host); kafka: run the product-views demo on an in-process Kafka mock cluster with two instances and show which instance ran which partitions.")]
        [DefaultValue("local")]
        public string Backend { get; init; } = "local";

        [CommandOption("--postgres <CONNECTION>")]
        [Description("Run product-views with its product table in PostgreSQL (an Npgsql connection string; needs wal_level=logical and a REPLICATION user): a price UPDATE made with SQL changes later views.")]
        public string? Postgres { get; init; }

        [CommandOption("--list")]
        [Description("List the demos and exit.")]
        public bool List { get; init; }

        public override ValidationResult Validate()
        {
            if (Name is not null && DemoCatalog.Find(Name) is null)
                return ValidationResult.Error($"there is no demo '{Name}'; run `braid demo --list` to see the five names.");
            if (Backend is not ("local" or "kafka"))
                return ValidationResult.Error($"--backend must be local or kafka, not '{Backend}'.");
            if (Backend == "kafka" && Name is not null && Name != "product-views")
                return ValidationResult.Error("--backend kafka runs the product-views demo; leave out the name or pass product-views.");
            if (Postgres is not null && Name is not null && Name != "product-views")
                return ValidationResult.Error("--postgres runs the product-views demo; leave out the name or pass product-views.");
            if (DemoHosts.Find(Host) is null)
                return ValidationResult.Error($"--host must be embedded or driver, not '{Host}'.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var console = DemoConsole.Create();
        if (settings.List)
        {
            foreach (var d in DemoCatalog.All) console.MarkupLineInterpolated($"[bold]{d.Name}[/]  {d.Title}");
            return ExitCodes.Success;
        }
        if (settings.Backend == "kafka") return KafkaBackend.Run(console, cancellationToken);
        if (settings.Postgres is not null) return PostgresBackend.Run(console, settings.Postgres, cancellationToken);
        var demos = settings.Name is null ? DemoCatalog.All : [DemoCatalog.Find(settings.Name)!];
        var host = DemoHosts.Find(settings.Host)!;
        var printer = new DemoPrinter(console);
        printer.Header(host.Description, demos.Count);
        var clock = Stopwatch.StartNew();
        foreach (var demo in demos)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DemoRun run;
            try
            {
                run = RunWithProgress(console, demo, host);
            }
            catch (Exception e) when (e is StreamsException or TimeoutException or IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"error: demo {demo.Name} failed on the {host.Name} host: {e.Message.ReplaceLineEndings(" ")} " +
                    "Try `braid demo --host driver` to tell a runtime problem from a demo problem.");
                return ExitCodes.Failure;
            }
            printer.Print(run);
            var failure = DemoChecks.Failure(run);
            if (failure is not null)
            {
                Console.Error.WriteLine($"error: demo {demo.Name}: {failure} Run `dotnet test tests/Braid.Samples.Tests` to see which output changed.");
                return ExitCodes.Failure;
            }
        }
        console.MarkupLineInterpolated($"[green]{demos.Count} demo(s) ran in {clock.Elapsed.TotalSeconds:0.0} s.[/]");
        return ExitCodes.Success;
    }

    // The run happens off the console thread; only if it is still going after a second does a progress bar
    // appear on a terminal, so quick demos print no progress noise.
    private static DemoRun RunWithProgress(IAnsiConsole console, Demo demo, DemoHostChoice host)
    {
        int done = 0, total = demo.Scripts.Sum(s => s.Steps.Count + 1);
        var running = Task.Run(() => DemoRunner.Run(demo, host.Create, (d, _) => Volatile.Write(ref done, d)));
        // WhenAny never throws, and GetAwaiter().GetResult() rethrows the demo's own exception (not an AggregateException).
        // Redirected output gets no progress lines at all: they would only be noise in a file.
        if (DemoConsole.Redirected || WaitAtMost(running, TimeSpan.FromSeconds(1))) return running.GetAwaiter().GetResult();
        console.Progress().AutoClear(true).Start(ctx =>
        {
            var bar = ctx.AddTask(demo.Name, maxValue: total);
            while (!WaitAtMost(running, TimeSpan.FromMilliseconds(100))) bar.Value = Volatile.Read(ref done);
            bar.Value = total;
        });
        return running.GetAwaiter().GetResult();
    }

    private static bool WaitAtMost(Task task, TimeSpan time) =>
        Task.WhenAny(task, Task.Delay(time)).GetAwaiter().GetResult() == task;
}
