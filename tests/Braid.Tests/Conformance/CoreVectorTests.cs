using Braid.Conformance;

namespace Braid.Tests.Conformance;

/// <summary>One xunit case per vector of shared/vectors/kafka-join-vectors.core.json.</summary>
public sealed class CoreVectorTests
{
    private static readonly Lazy<VectorFile> File = new(() => VectorFile.Load(VectorPath.Core));

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in File.Value.Cases) data.Add(c.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Vector_ReplaysLikeKafkaStreams(string id)
    {
        var result = ConformanceRunner.RunCase(File.Value.Cases.Single(c => c.Id == id));
        Assert.True(result.Outcome != CaseOutcome.Fail, result.ToString());
        // The only skips allowed in the core file are the two cases the README marks as doc/code conflicts.
        if (result.Outcome == CaseOutcome.Skip)
            Assert.True(result.Detail!.StartsWith("conflict", StringComparison.Ordinal), result.ToString());
    }
}

internal static class VectorPath
{
    /// <summary>shared/ sits beside the repository (CI clones it there); walk up from the test binaries to find it.</summary>
    public static string Core => Find("vectors/kafka-join-vectors.core.json");

    public static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relative);
            if (System.IO.File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Could not find shared/{relative} above {AppContext.BaseDirectory}; clone shared/ beside the repository.");
    }
}
