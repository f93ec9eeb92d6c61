using System.Diagnostics;

namespace Braid.RocksDb.Tests;

public sealed class CrashTests : IDisposable
{
    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Process StartWriter() => Process.Start(new ProcessStartInfo("dotnet")
    {
        ArgumentList = { typeof(CrashWriter).Assembly.Location, "crash-writer", _dir.Path },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    })!;

    [Fact]
    public void AStateDirectoryOpenInAnotherProcess_IsReportedAsLocked()
    {
        var child = StartWriter();
        try
        {
            Assert.NotNull(child.StandardOutput.ReadLine()); // the child has the database open
            var e = Assert.Throws<StateDirectoryLockedException>(() => RocksDbStateBackend.Open(_dir.Path));
            Assert.Equal(RocksDbStateBackend.DatabasePath(_dir.Path), e.Path);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    /// <summary>
    /// A child process commits generation after generation (every key of two tasks plus a metadata entry
    /// per commit) and is killed with SIGKILL while it runs. After reopening, the metadata names one
    /// generation, every key of both tasks holds exactly that generation (no commit was applied in part),
    /// and it is not older than the last commit the child reported as returned.
    /// </summary>
    [Fact]
    public void KillDuringCommits_LeavesExactlyTheLastCompleteCommit()
    {
        var child = StartWriter();
        long lastReported = 0;
        try
        {
            // Let a few commits complete, then kill at a moment that is not synchronized with the commits.
            while (lastReported < 5 && child.StandardOutput.ReadLine() is { } line) lastReported = long.Parse(line);
            Thread.Sleep(Random.Shared.Next(0, 20));
        }
        finally
        {
            child.Kill(); // SIGKILL on Linux: no finalizers, no Dispose, no flush
            child.WaitForExit();
        }
        Assert.True(lastReported >= 5, "the child exited early: " + child.StandardError.ReadToEnd());

        using var backend = _dir.Open();
        long generation = CrashWriter.ReadGeneration(backend);
        Assert.True(generation >= lastReported, $"generation {generation} is older than the reported commit {lastReported}");
        foreach (var taskId in CrashWriter.Tasks)
        {
            var store = backend.OpenTask(taskId).Stores.CreateKeyValueStore(CrashWriter.Store);
            var values = store.All().Select(kv => kv.Value).Distinct().ToList();
            Assert.Equal([generation], values);
            Assert.Equal(CrashWriter.KeysPerTask, store.ApproximateCount);
        }
    }
}
