using Braid.Serialization;
using Braid.Testing;
using GettingStarted;

namespace Braid.Samples.Tests;

/// <summary>The code of docs/getting-started.md, step 3, and the check that the page still shows this code.</summary>
public sealed class GettingStartedTests
{
    [Fact]
    public void View_IsEnrichedWithThePriceInTheTableWhenItArrives()
    {
        using var driver = new TopologyTestDriver(Shop.Build());
        var products = driver.CreateInputTopic("products", Serdes.String, Serdes.Json<Product>());
        var views = driver.CreateInputTopic("product-views", Serdes.String, Serdes.Json<View>());
        var enriched = driver.CreateOutputTopic("enriched-views", Serdes.String, Serdes.Json<EnrichedView>());

        products.PipeInput("p1", new Product(20000m, "laptop", 10), timestamp: 1_000);
        views.PipeInput("user1", new View("user1", "p1"), timestamp: 2_000);
        products.PipeInput("p1", new Product(18000m, "laptop", 9), timestamp: 3_000);   // emits nothing by itself

        Assert.Equal(new EnrichedView("user1", "p1", 20000m), enriched.ReadValue());
        Assert.True(enriched.IsEmpty);
    }

    [Fact]
    public void GettingStartedPage_ShowsTheCodeThatIsCompiledAndTested()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "getting-started.md"));
        var blocks = page.Split("```csharp\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();
        AssertLinesInOrder(blocks[0], File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "Braid.Samples", "GettingStarted", "Shop.cs")));
        AssertLinesInOrder(blocks[1], File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Braid.Samples.Tests", "GettingStartedTests.cs")));
    }

    // Every non-empty line of the snippet appears in the file, in order (indentation aside).
    private static void AssertLinesInOrder(string snippet, string file)
    {
        var fileLines = file.Split('\n').Select(l => l.Trim()).ToList();
        int at = 0;
        foreach (var line in snippet.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            int found = fileLines.IndexOf(line, at);
            Assert.True(found >= 0, $"docs/getting-started.md shows a line the compiled code does not have: {line}");
            at = found + 1;
        }
    }
}
