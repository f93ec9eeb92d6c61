using Braid.Serialization;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Tests;

/// <summary>
/// A stream thread always reports its end to the application (EmbeddedStreamThread.Run's exit callback in a finally),
/// even when the logging of its failure throws: the application then reaches Error and its close returns, instead of
/// the exception escaping the thread (which ends the test host) and the close waiting on a thread that never reported.
/// </summary>
public sealed class StreamThreadExitTests
{
    [Fact]
    public async Task AFailingThread_WhoseFailureLogThrows_StillEndsTheApplicationInError_AndCloses()
    {
        using var dir = new TempDir();
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .MapValues(v => v == "bad" ? throw new InvalidOperationException("poison") : v, "poison")
            .To("out", Produced.With(Serdes.String, Serdes.String));
        var app = new BraidApplication(b.Build(), TestOptions.For(dir.Path, logs: new ThrowingOnThreadFailureLogs()));
        app.CreateProducer("in", Serdes.String, Serdes.String).Send("k", "bad", 1);
        await app.StartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (app.State != StreamsState.Error && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(StreamsState.Error, app.State);
        Assert.IsType<InvalidOperationException>(app.Error?.GetBaseException() ?? app.Error);
        var close = app.DisposeAsync().AsTask();
        Assert.Same(close, await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(20))));
    }

    /// <summary>A logger whose "Stream thread … failed." entry throws (a broken sink); everything else is dropped.</summary>
    private sealed class ThrowingOnThreadFailureLogs : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Logger();

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        private sealed class Logger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string message = formatter(state, exception);
                if (message.StartsWith("Stream thread", StringComparison.Ordinal) && message.EndsWith("failed.", StringComparison.Ordinal))
                    throw new IOException("the log sink is broken");
            }
        }
    }
}
