using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Tests;

/// <summary>Appends Braid's logs to the file named by BRAID_KAFKA_TEST_LOG, when set (diagnosing a failing run).</summary>
internal sealed class FileLoggerFactory(string path) : ILoggerFactory
{
    public static ILoggerFactory? FromEnvironment() =>
        Environment.GetEnvironmentVariable("BRAID_KAFKA_TEST_LOG") is { Length: > 0 } path ? new FileLoggerFactory(path) : null;

    private static readonly object Gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(path, categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (Gate) File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception}\n");
        }
    }
}
