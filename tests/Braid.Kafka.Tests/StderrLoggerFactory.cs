using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Tests;

/// <summary>Writes Braid's logs to stderr when BRAID_KAFKA_TEST_LOG is set (diagnosing a failing run).</summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    public static ILoggerFactory? FromEnvironment() =>
        Environment.GetEnvironmentVariable("BRAID_KAFKA_TEST_LOG") is { Length: > 0 } ? new StderrLoggerFactory() : null;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
