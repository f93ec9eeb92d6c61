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

        public override ValidationResult Validate() =>
            Port is < 0 or > 65535 ? ValidationResult.Error($"--port must be 0..65535, not {Port}.")
            : Rate is < 1 or > 100_000 ? ValidationResult.Error($"--rate must be 1..100000, not {Rate}.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var stateDirectory = Directory.CreateTempSubdirectory("braid-ui-");
        try
        {
            await using var app = new BraidApplication(SampleTopology.ProductViews(), new BraidApplicationOptions
            {
                Streams = new StreamsConfig { ApplicationId = "braid-ui" },
                StateDirectory = stateDirectory.FullName,
            });
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port}");
            await using var web = builder.Build();
            web.MapBraidDashboard(new BraidDashboardOptions { Application = app });
            await app.StartAsync(cancellationToken);
            await web.StartAsync(cancellationToken);
            Console.WriteLine($"Braid dashboard: {web.Urls.First()}/braid/  (the product-views sample, {settings.Rate} views/s; Ctrl+C stops)");
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
