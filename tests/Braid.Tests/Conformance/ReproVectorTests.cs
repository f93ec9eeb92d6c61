using Braid.Conformance;

namespace Braid.Tests.Conformance;

/// <summary>
/// One xunit case per vector of shared/vectors/kafka-join-vectors.repro.json: behaviours found by reading
/// Kafka's source where Braid once differed (versioned lookups older than the history retention, foreign-key
/// result timestamps). Every case must pass; none may be skipped.
/// </summary>
public sealed class ReproVectorTests
{
    private static readonly Lazy<VectorFile> File = new(() => VectorFile.Load(VectorPath.Find("vectors/kafka-join-vectors.repro.json")));

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in File.Value.Cases) data.Add(c.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void ReproVector_ReplaysLikeKafkaStreams(string id)
    {
        var result = ConformanceRunner.RunCase(File.Value.Cases.Single(c => c.Id == id));
        Assert.True(result.Outcome == CaseOutcome.Pass, result.ToString());
    }
}
