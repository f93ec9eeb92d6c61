using Braid.Cli;

namespace Braid.Samples.Tests;

public sealed class JoinDocsTests
{
    [Fact]
    public void CheckedInJoinsPage_IsExactlyWhatTheGeneratorProducesFromTheVectors()
    {
        var generated = JoinDocs.Generate(RepoPaths.CoreVectors, DocsCommand.VectorName);
        var checkedIn = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "joins.md"));
        // On failure: run `dotnet run --project src/Braid.Cli -- docs joins` from the repository root and commit docs/joins.md.
        Assert.Equal(generated, checkedIn);
    }

    [Fact]
    public void JoinsPage_HasATableForEveryDocumentedJoinFamily()
    {
        var page = JoinDocs.Generate(RepoPaths.CoreVectors, DocsCommand.VectorName);
        foreach (var heading in new[] { "## KStream–KStream join", "## KStream–KTable join", "## KStream–GlobalKTable join", "## KTable–KTable join", "## KTable–KTable foreign-key join" })
            Assert.Contains(heading, page);
        // Kafka's documented KTable–KTable outer join: deleting the left side of B-b leaves null-b.
        Assert.Contains("| 7000 | null |  | (tombstone) | (tombstone) | null-b |", page);
    }
}
