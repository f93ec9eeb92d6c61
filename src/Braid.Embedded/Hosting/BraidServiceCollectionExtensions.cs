using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded;

/// <summary>Runs a <see cref="BraidApplication"/> as a hosted service (Microsoft.Extensions.Hosting).</summary>
public static class BraidServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="BraidApplication"/> singleton and a hosted service that starts it with the
    /// host and closes it (committing) on host shutdown. The host's logger factory is used when the
    /// options do not set one.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="topology">Builds the topology.</param>
    /// <param name="options">Builds the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBraid(this IServiceCollection services, Func<IServiceProvider, Topology> topology,
        Func<IServiceProvider, BraidApplicationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp =>
        {
            var o = options(sp);
            if (o.Streams.LoggerFactory is Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory && sp.GetService<ILoggerFactory>() is { } lf)
                o = o with { Streams = o.Streams with { LoggerFactory = lf } };
            return new BraidApplication(topology(sp), o);
        });
        services.AddHostedService(sp => new BraidHostedService(sp.GetRequiredService<BraidApplication>()));
        return services;
    }

    /// <summary>
    /// As <see cref="AddBraid(IServiceCollection, Func{IServiceProvider, Topology}, Func{IServiceProvider, BraidApplicationOptions})"/>,
    /// with the options bound from configuration (an appsettings.json section such as <c>"Braid"</c>, environment
    /// variables <c>Braid__StateDirectory</c>, ...): property names as in <see cref="BraidApplicationOptions"/>,
    /// <c>Streams:ApplicationId</c> for the nested <see cref="StreamsConfig"/>. A key that names no option fails
    /// at start-up (a typo never silently falls back to a default); <paramref name="configure"/> then adjusts
    /// what configuration cannot express (handlers, a logger factory).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="topology">Builds the topology.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <param name="configure">Adjusts the bound options (optional).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBraid(this IServiceCollection services, Func<IServiceProvider, Topology> topology,
        IConfiguration configuration, Func<BraidApplicationOptions, BraidApplicationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddBraid(topology, _ => BindOptions(configuration, configure));
    }

    internal static BraidApplicationOptions BindOptions(IConfiguration configuration, Func<BraidApplicationOptions, BraidApplicationOptions>? configure)
    {
        var options = new BraidApplicationOptions();
        configuration.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        options = configure is null ? options : configure(options);
        options.Validate();
        return options;
    }
}

/// <summary>Starts and stops the application with the host.</summary>
internal sealed class BraidHostedService(BraidApplication app) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => app.StartAsync(cancellationToken);

    // The host's token fires when its shutdown timeout runs out: stop waiting then (closing goes on).
    public Task StopAsync(CancellationToken cancellationToken) => app.CloseAsync(cancellationToken);
}
