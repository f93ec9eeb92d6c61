using Microsoft.Extensions.Logging;

namespace Braid.Kafka.FailoverHarness;

/// <summary>
/// An instance's Braid log (information and above), appended to <c>&lt;BRAID_FAILOVER_LOG_DIR&gt;/&lt;name&gt;.log</c> when
/// that variable is set: which task ran, restored or stood by where and from which offsets, so a loss found by the
/// harness can be traced to the hand-over that caused it. Each line carries the UTC time and the process id (a
/// restarted instance appends to the same file).
/// </summary>
public sealed class ChildLog(string path) : ILoggerFactory
{
    private static readonly object Gate = new();

    /// <summary>The log of instance <paramref name="name"/>, or null when the variable is not set.</summary>
    public static ILoggerFactory? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable("BRAID_FAILOVER_LOG_DIR") is { Length: > 0 } dir ? new ChildLog(Path.Combine(dir, name + ".log")) : null;

    public ILogger CreateLogger(string categoryName) => new Logger(path);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string path) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {Environment.ProcessId} {logLevel}: {formatter(state, exception)} {exception}\n";
            lock (Gate) File.AppendAllText(path, line);
        }
    }
}
