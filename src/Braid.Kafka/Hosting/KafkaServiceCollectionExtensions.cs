using Braid.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka;

/// <summary>Runs a <see cref="BraidKafkaApplication"/> as a hosted service (Microsoft.Extensions.Hosting), as <c>AddBraid</c> does for the embedded runtime.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="BraidKafkaApplication"/> singleton (also as <see cref="IQueryableStores"/>, which
    /// <c>MapBraidQueries()</c> serves) and a hosted service that starts it with the host — the host's token cancels the
    /// start-up checks — and closes it (committing) on shutdown, waiting until the host's shutdown token fires.
    /// The host's logger factory is used when the settings do not set one.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="topology">Builds the topology.</param>
    /// <param name="config">Builds the shared settings (application id, error handling).</param>
    /// <param name="options">Builds the Kafka settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBraidKafka(this IServiceCollection services, Func<IServiceProvider, Topology> topology,
        Func<IServiceProvider, StreamsConfig> config, Func<IServiceProvider, KafkaStreamsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp =>
        {
            var c = config(sp);
            if (c.LoggerFactory is Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory && sp.GetService<ILoggerFactory>() is { } lf)
                c = c with { LoggerFactory = lf };
            // Tests on the mock cluster register its topic admin (librdkafka's mock has no controller for AdminClient.CreateTopics).
            return sp.GetService<Func<KafkaStreamsOptions, Internal.ITopicAdmin>>() is { } admin
                ? new BraidKafkaApplication(topology(sp), c, options(sp), admin)
                : new BraidKafkaApplication(topology(sp), c, options(sp));
        });
        services.AddSingleton<IQueryableStores>(sp => sp.GetRequiredService<BraidKafkaApplication>());
        services.AddHostedService(sp => new BraidKafkaHostedService(sp.GetRequiredService<BraidKafkaApplication>()));
        return services;
    }

    /// <summary>
    /// As <see cref="AddBraidKafka(IServiceCollection, Func{IServiceProvider, Topology}, Func{IServiceProvider, StreamsConfig}, Func{IServiceProvider, KafkaStreamsOptions})"/>,
    /// with the settings bound from configuration (a section such as <c>"Braid"</c> in appsettings.json, or environment variables
    /// <c>Braid__Kafka__BootstrapServers</c>): <c>Streams:</c> holds <see cref="StreamsConfig"/> (<c>Streams:ApplicationId</c>),
    /// <c>Kafka:</c> holds <see cref="KafkaStreamsOptions"/> (<c>Kafka:BootstrapServers</c>, <c>Kafka:ClientSettings:session.timeout.ms</c>).
    /// Any other key, and any key that names no option, fails at start-up (a typo never silently falls back to a default);
    /// the configure functions then adjust what configuration cannot express (handlers, a restore listener).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="topology">Builds the topology.</param>
    /// <param name="configuration">The configuration section holding <c>Streams</c> and <c>Kafka</c>.</param>
    /// <param name="configureStreams">Adjusts the bound shared settings (optional).</param>
    /// <param name="configureKafka">Adjusts the bound Kafka settings (optional).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBraidKafka(this IServiceCollection services, Func<IServiceProvider, Topology> topology, IConfiguration configuration,
        Func<StreamsConfig, StreamsConfig>? configureStreams = null, Func<KafkaStreamsOptions, KafkaStreamsOptions>? configureKafka = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddBraidKafka(topology, _ => BindStreams(configuration, configureStreams), _ => BindKafka(configuration, configureKafka));
    }

    internal static StreamsConfig BindStreams(IConfiguration configuration, Func<StreamsConfig, StreamsConfig>? configure) =>
        Bind(configuration, "Streams", configure, c => c.Validate());

    internal static KafkaStreamsOptions BindKafka(IConfiguration configuration, Func<KafkaStreamsOptions, KafkaStreamsOptions>? configure) =>
        Bind(configuration, "Kafka", configure, o => o.Validate());

    /// <summary>Binds one section (an unknown key is an error), applies the code's changes, then validates the result.</summary>
    private static T Bind<T>(IConfiguration configuration, string section, Func<T, T>? configure, Action<T> validate) where T : new()
    {
        RejectUnknownSections(configuration);
        var options = new T();
        configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        options = configure is null ? options : configure(options);
        validate(options);
        return options;
    }

    private static void RejectUnknownSections(IConfiguration configuration)
    {
        foreach (var child in configuration.GetChildren())
        {
            if (child.Key is not ("Streams" or "Kafka"))
                throw new InvalidOperationException($"'{child.Key}' is not a Braid Kafka setting: the section holds only 'Streams' (StreamsConfig) and 'Kafka' (KafkaStreamsOptions).");
        }
    }
}

/// <summary>Starts and stops the Kafka application with the host.</summary>
internal sealed class BraidKafkaHostedService(BraidKafkaApplication app) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => app.StartAsync(cancellationToken);

    // The host's token fires when its shutdown timeout runs out: stop waiting then (closing goes on).
    public Task StopAsync(CancellationToken cancellationToken) => app.CloseAsync(cancellationToken);
}
