using System.Text.Json;
using System.Text.RegularExpressions;
using Braid.Conformance;

namespace Braid.Tests.Conformance;

/// <summary>The runner itself: it knows every named function the vector README defines, and skips only for a reason the README gives.</summary>
public sealed partial class ConformanceRunnerTests
{
    [GeneratedRegex(@"^\|\s*(?:`(?<option>\w+)`[^|]*)?\|\s*`(?<name>\w+)`")]
    private static partial Regex NamedFunctionRow();

    /// <summary>Every (option, name) row of the README's "Named functions" table.</summary>
    private static List<(string Option, string Name)> ReadmeNamedFunctions()
    {
        var lines = File.ReadAllLines(VectorPath.Find("vectors/README.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("## Named functions", StringComparison.Ordinal));
        Assert.True(start >= 0, "the vector README has no 'Named functions' section");
        var rows = new List<(string, string)>();
        string option = "";
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var m = NamedFunctionRow().Match(line);
            if (!m.Success) continue;
            if (m.Groups["option"].Success) option = m.Groups["option"].Value;
            rows.Add((option, m.Groups["name"].Value));
        }
        return rows;
    }

    [Fact]
    public void EveryNamedFunctionOfTheVectorReadme_IsKnownToTheRunner()
    {
        var rows = ReadmeNamedFunctions();
        Assert.Contains(("foreignKeyExtractor", "afterPipeOrNull"), rows);
        Assert.Contains(("keyMapper", "alwaysNull"), rows);
        foreach (var (option, name) in rows)
        {
            bool known = option switch
            {
                "keyMapper" => JoinTopologies.KeyMappers.ContainsKey(name),
                "foreignKeyExtractor" => JoinTopologies.ForeignKeyExtractors.ContainsKey(name),
                _ => false,
            };
            Assert.True(known, $"option {option}: the runner does not know the function '{name}' the README defines");
        }
    }

    [Fact]
    public void NamedFunctions_ComputeWhatTheReadmeSpellsOut()
    {
        Assert.Equal("k", JoinTopologies.KeyMappers["identity"]("k", "v"));
        Assert.Equal("b", JoinTopologies.KeyMappers["secondCommaToken"]("k", "a,b,c"));
        Assert.Null(JoinTopologies.KeyMappers["secondCommaToken"]("k", "a"));
        Assert.Null(JoinTopologies.KeyMappers["alwaysNull"]("k", "a,b"));
        Assert.Equal("v", JoinTopologies.ForeignKeyExtractors["identity"]("v"));
        Assert.Equal("rhs1", JoinTopologies.ForeignKeyExtractors["afterPipe"]("lhsValue1|rhs1"));
        Assert.Equal("rhs1", JoinTopologies.ForeignKeyExtractors["afterPipeOrNull"]("lhsValue1|rhs1"));
        Assert.Null(JoinTopologies.ForeignKeyExtractors["afterPipeOrNull"]("lhsValue1|returnNull"));
        Assert.Null(JoinTopologies.ForeignKeyExtractors["alwaysNull"]("lhsValue1|rhs1"));
    }

    private static VectorCase Case(string kind, string extractor, string steps, string expected) => JsonSerializer.Deserialize<VectorCase>($$"""
        {"id": "t", "tier": "test", "join": "fk-table-table", "kind": "{{kind}}", "window": null,
         "options": {"foreignKeyExtractor": "{{extractor}}"}, "joiner": "{left}+{right}",
         "check": {"mode": "list", "timestamps": true}, "steps": {{steps}}, "expected": {{expected}}}
        """)!;

    [Fact]
    public void ForeignKeyCase_WithANullExtractedKey_RunsWithTheReadmesFunction()
    {
        var c = Case("left", "afterPipeOrNull",
            """[{"side": "left", "key": "k", "value": "v|returnNull", "ts": 1}]""",
            """[[{"key": "k", "value": "v|returnNull+null", "ts": 1}]]""");
        Assert.Equal(CaseOutcome.Pass, ConformanceRunner.RunCase(c).Outcome);
    }

    [Fact]
    public void KafkasResendOnARightTombstoneOfAnAbsentKey_IsReportedAsTheDocumentedDifference_NotAFailure()
    {
        var steps = """[{"side": "left", "key": "k", "value": "v|f", "ts": 1}, {"side": "right", "key": "f", "value": null, "ts": 2}]""";
        var resend = ConformanceRunner.RunCase(Case("left", "afterPipe", steps,
            """[[{"key": "k", "value": "v|f+null", "ts": 1}], [{"key": "k", "value": "v|f+null", "ts": 2}]]"""));
        Assert.Equal(CaseOutcome.Skip, resend.Outcome);
        Assert.StartsWith("deliberate difference", resend.Detail, StringComparison.Ordinal);
        // Anything else at another step is still a failure.
        var wrong = ConformanceRunner.RunCase(Case("left", "afterPipe", steps,
            """[[{"key": "k", "value": "v|f+null", "ts": 99}], [{"key": "k", "value": "v|f+null", "ts": 2}]]"""));
        Assert.Equal(CaseOutcome.Fail, wrong.Outcome);
    }
}
