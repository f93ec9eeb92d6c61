namespace Braid.Samples.Tests;

/// <summary>Finds the repository root and shared/ (cloned beside it) by walking up from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root => Up("Braid.sln", File.Exists)
        ?? throw new DirectoryNotFoundException($"No Braid.sln above {AppContext.BaseDirectory}.");

    public static string CoreVectors => Up(Path.Combine("shared", "vectors", "kafka-join-vectors.core.json"), File.Exists)
        ?? throw new FileNotFoundException($"Could not find shared/vectors/kafka-join-vectors.core.json above {AppContext.BaseDirectory}; clone shared/ beside the repository.");

    private static string? Up(string relative, Func<string, bool> exists)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (exists(candidate)) return relative.EndsWith(".sln", StringComparison.Ordinal) ? dir.FullName : candidate;
        }
        return null;
    }
}
