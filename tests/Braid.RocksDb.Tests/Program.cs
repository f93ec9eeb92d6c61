namespace Braid.RocksDb.Tests;

/// <summary>Entry point for child processes of the crash tests (xunit loads this assembly as a library).</summary>
public static class Program
{
    public static int Main(string[] args) => args switch
    {
        ["crash-writer", var dir] => CrashWriter.Run(dir),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Braid.RocksDb.Tests crash-writer <state-dir>");
        return 2;
    }
}
