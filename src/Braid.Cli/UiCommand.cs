using System.ComponentModel;
using Braid.Dashboard;
using Braid.Embedded;
using Braid.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Braid.Cli;

/// <summary>
/// <c>braid ui</c>: runs the product-views sample live on the embedded runtime, fed a steady stream of
/// generated views, and serves the dashboard for it on loopback, until Ctrl+C (or --duration).
/// <c>braid ui --state-dir D [--application-id A]</c> serves the dashboard of an application already running in
/// another process instead (embedded or Kafka host), through the diagnostics socket it keeps in <c>D/A</c>.
/// <c>braid ui --bootstrap-servers B --application-id A</c> shows a Kafka application from its cluster alone.
/// </summary>
internal sealed class UiCommand : AsyncCommand<UiCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("The loopback port to serve on (0 picks a free one).")]
        [DefaultValue(5050)]
        public int Port { get; init; } = 5050;

        [CommandOption("--rate <PER_SECOND>")]
        [Description("Generated product views per second.")]
        [DefaultValue(200)]
        public int Rate { get; init; } = 200;

        [CommandOption("--duration <SECONDS>")]
        [Description("Stop after this many seconds (default: run until Ctrl+C).")]
        public int? Duration { get; init; }

        [CommandOption("--state-dir <DIRECTORY>")]
        [Description("Attach to the application running in this state directory (another process) instead of running the sample.")]
        public string? StateDirectory { get; init; }

        [CommandOption("--application-id <ID>")]
        [Description("With --state-dir: which application, when several run there. With --bootstrap-servers: the application to show.")]
        public string? ApplicationId { get; init; }

        [CommandOption("--bootstrap-servers <SERVERS>")]
        [Description("Show a Kafka application from its cluster alone (instances, tasks, standbys, group lag; lookups through announced queries endpoints). Needs --application-id.")]
        public string? BootstrapServers { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("With --bootstrap-servers: how long a cluster request may take.")]
        [DefaultValue(10)]
        public int Timeout { get; init; } = 10;

        [CommandOption("--dead-letter-topic <TOPIC>")]
        [Description("A dead-letter topic whose record count the page shows.")]
        public string? DeadLetterTopic { get; init; }

        public override ValidationResult Validate() =>
            ApplicationId is not null && StateDirectory is null && BootstrapServers is null ? ValidationResult.Error("--application-id needs --state-dir or --bootstrap-servers.") :
            BootstrapServers is not null && ApplicationId is null ? ValidationResult.Error("--bootstrap-servers needs --application-id (the application to show).") :
            BootstrapServers is not null && StateDirectory is not null ? ValidationResult.Error("use --state-dir (same machine) or --bootstrap-servers (cluster view), not both.") :
            Timeout is < 1 or > 600 ? ValidationResult.Error($"--timeout must be 1..600 seconds, not {Timeout}.") :
            Port is < 0 or > 65535 ? ValidationResult.Error($"--port must be 0..65535, not {Port}.")
            : Rate is < 1 or > 100_000 ? ValidationResult.Error($"--rate must be 1..100000, not {Rate}.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.StateDirectory is not null || settings.BootstrapServers is not null) return await Attach(settings, cancellationToken);
        var stateDirectory = Directory.CreateTempSubdirectory("braid-ui-");
        try
        {
            await using var app = new BraidApplication(SampleTopology.ProductViews(), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "braid-ui" },
                StateDirectory = stateDirectory.FullName,
            });
            await using var web = Web(settings.Port);
            web.MapBraidDashboard(new BraidDashboardOptions { Application = app, DeadLetterTopic = settings.DeadLetterTopic });
            await app.StartAsync(cancellationToken);
            await web.StartAsync(cancellationToken);
            Console.WriteLine($"Braid dashboard: {web.Urls.First()}/braid/  (the product-views sample, {settings.Rate} views/s; Ctrl+C stops)");
            Console.WriteLine($"Attach from another process: braid ui --state-dir {stateDirectory.FullName} --port <another port>");
            await Console.Out.FlushAsync(cancellationToken); // a script reading our output needs the URL now, not at exit

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (settings.Duration is { } seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            await Feed(app, settings.Rate, stop.Token);
            await web.StopAsync(CancellationToken.None);
            await app.CloseAsync(CancellationToken.None);
            return ExitCodes.Success;
        }
        finally
        {
            stateDirectory.Delete(recursive: true);
        }
    }

    private static WebApplication Web(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        return builder.Build();
    }

    // The dashboard of an application in another process: nothing runs here but the page and its socket client.
    private static async Task<int> Attach(Settings settings, CancellationToken cancellationToken)
    {
        await using var web = Web(settings.Port);
        try
        {
            web.MapBraidDashboard(new BraidDashboardOptions
            {
                AttachStateDirectory = settings.StateDirectory,
                AttachBootstrapServers = settings.BootstrapServers,
                AttachTimeout = TimeSpan.FromSeconds(settings.Timeout),
                AttachApplicationId = settings.ApplicationId,
                DeadLetterTopic = settings.DeadLetterTopic,
            });
        }
        catch (DiagnosticsUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message} ({e.Reason})");
            return ExitCodes.Failure;
        }
        await web.StartAsync(cancellationToken);
        string to = settings.StateDirectory ?? $"{settings.ApplicationId} on {settings.BootstrapServers}, cluster view";
        Console.WriteLine($"Braid dashboard: {web.Urls.First()}/braid/  (attached to {to}; Ctrl+C stops)");
        await Console.Out.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(settings.Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C.
        }
        await web.StopAsync(CancellationToken.None);
        return ExitCodes.Success;
    }

    // A price list, then views of random products by random users, in 10 batches a second.
    private static async Task Feed(BraidApplication app, int rate, CancellationToken token)
    {
        var time = TimeProvider.System;
        var products = app.CreateProducer("products", Serdes.String, Serdes.String);
        for (int p = 0; p < 20; p++) products.Send($"prod{p}", $"product {p}, {100 + 7 * p} EUR", time.GetUtcNow().ToUnixTimeMilliseconds());
        var views = app.CreateProducer("product-views", Serdes.String, Serdes.String);
        var random = new Random(42);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                long now = time.GetUtcNow().ToUnixTimeMilliseconds();
                int n = Math.Max(1, rate / 10);
                views.Send(Enumerable.Range(0, n).Select(_ => new TopicRecord<string, string>($"prod{random.Next(20)}", $"user{random.Next(1000)}", now)));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Ctrl+C or --duration.
        }
    }
}
