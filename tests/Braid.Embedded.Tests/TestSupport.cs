using System.Collections.Concurrent;
using Braid.Embedded;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Tests;

/// <summary>A fresh state directory per test, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "braid-tests", Guid.NewGuid().ToString("N"));

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory does not affect other tests (each has its own).
        }
    }
}

/// <summary>Collects log messages so tests can assert on warnings.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}

internal static class TestOptions
{
    public static BraidApplicationOptions For(string dir, int partitions = 1, int threads = 1, ILoggerFactory? logs = null) => new()
    {
        Streams = new StreamsConfig { ApplicationId = "test-app", LoggerFactory = logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance },
        StateDirectory = dir,
        DefaultPartitions = partitions,
        StreamThreads = threads,
        CommitInterval = TimeSpan.FromMilliseconds(10),
    };

    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);
}
