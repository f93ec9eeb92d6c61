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
}

/// <summary>Starts and stops the application with the host.</summary>
internal sealed class BraidHostedService(BraidApplication app) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => app.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => app.CloseAsync();
}
