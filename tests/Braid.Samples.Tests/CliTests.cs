using Braid.Tests.Shared;

namespace Braid.Samples.Tests;

/// <summary>The braid command as a user runs it: a separate process with redirected output.</summary>
public sealed class CliTests
{
    private static (int ExitCode, string Out, string Err, TimeSpan Took) Braid(params string[] args) =>
        BraidCli.Run(RepoPaths.Root, TimeSpan.FromMinutes(1), args);

    [Fact]
    public void Demo_WithoutName_RunsAllFiveWithinAMinute_AndPrintsPlainTextWhenRedirected()
    {
        var (code, output, _, took) = Braid("demo");
        Assert.Equal(0, code);
        Assert.True(took < TimeSpan.FromMinutes(1), $"took {took}");
        foreach (var name in DemoCatalog.All.Select(d => d.Name)) Assert.Contains($"braid demo {name}", output);
        Assert.Contains("5 demo(s) ran", output);
        Assert.Contains("Host: embedded runtime", output);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public void Demo_ByName_RunsOnlyThatDemo_WithInputsResultsAndFinalTable()
    {
        var (code, output, _, _) = Braid("demo", "timelines");
        Assert.Equal(0, code);
        Assert.Contains("Inputs", output);
        Assert.Contains("Results, as each input caused them", output);
        Assert.Contains("| ann | yan: coffee · yan: first! · zoe: hello | 12:07:00 |", output);
        Assert.DoesNotContain("braid demo delivery-orders", output);
    }

    [Fact]
    public void Demo_WithUnknownName_ExitsWithUsageError_AndSaysWhatToDo()
    {
        var (code, output, err, _) = Braid("demo", "no-such-demo");
        Assert.Equal(2, code);
        var message = (output + err).Trim();
        Assert.Single(message.Split('\n'));
        Assert.Contains("braid demo --list", message);
    }

    [Fact]
    public void Demo_WithUnknownHost_ExitsWithUsageError()
    {
        var (code, _, err, _) = Braid("demo", "--host", "mainframe");
        Assert.Equal(2, code);
        Assert.Contains("--host must be embedded or driver", err);
    }

    [Fact]
    public void Demo_OnTheDriver_SaysSoInTheHeader()
    {
        var (code, output, _, _) = Braid("demo", "delivery-orders", "--host", "driver");
        Assert.Equal(0, code);
        Assert.Contains("Host: TopologyTestDriver", output);
    }

    [Fact]
    public void Demo_OnTheKafkaBackend_ReportsWhichInstanceRanWhichPartitions()
    {
        var (code, output, err, _) = Braid("demo", "--backend", "kafka");
        Assert.True(code == 0, err);
        Assert.Contains("instance-a:8080: tasks [", output);
        Assert.Contains("instance-b:8080: tasks [", output);
        Assert.DoesNotContain("tasks []", output);
        Assert.Contains("Key 'prod7' of store products-store", output);
        Assert.Contains("served by instance-", output);
        Assert.Contains("Sub-topology: 0", output);
    }

    [Fact]
    public void Demo_OnTheKafkaBackend_RefusesAnotherDemo()
    {
        var (code, _, err, _) = Braid("demo", "timelines", "--backend", "kafka");
        Assert.Equal(2, code);
        Assert.Contains("--backend kafka runs the product-views demo", err);
    }

    [Fact]
    public void Demo_List_NamesTheFiveDemos()
    {
        var (code, output, _, _) = Braid("demo", "--list");
        Assert.Equal(0, code);
        Assert.Equal(["delivery-orders", "search-clicks", "product-views", "timelines", "tax-invoices"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public void DocsCheck_PassesForTheCheckedInJoinsPage()
    {
        var (code, output, _, _) = Braid("docs", "joins", "--check", "--vectors", RepoPaths.CoreVectors);
        Assert.Equal(0, code);
        Assert.Contains("up to date", output);
    }

    [Fact]
    public void Version_PrintsThePackageVersion_WithoutTheCommitSuffix()
    {
        var (code, output, _, _) = Braid("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", output.Trim());
        // The version the tool was built (and packed) as, not a constant: the informational version without "+<commit>".
        string built = System.Diagnostics.FileVersionInfo.GetVersionInfo(Path.Combine(AppContext.BaseDirectory, "Braid.Cli.dll")).ProductVersion!;
        Assert.Equal(built.Split('+')[0], output.Trim());
    }

    [Fact]
    public void Topology_FromAUsersAssemblyAndType_RendersThatTopologyAsMermaid()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Braid.Samples.dll");
        var (code, output, err, _) = Braid("topology", "--assembly", dll, "--type", "GettingStarted.Shop", "--format", "mermaid");
        Assert.True(code == 0, err);
        Assert.StartsWith("flowchart TD", output);
        Assert.Contains("topic_enriched_views[(\"enriched-views\")]", output);
        Assert.Contains("store_products_store", output);
        Assert.DoesNotContain("view-counts", output); // not the CLI's built-in sample
    }

    [Fact]
    public void Topology_WithATypeThatBuildsNoTopology_ExitsWithAClearError()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Braid.Samples.dll");
        var (code, _, err, _) = Braid("topology", "--assembly", dll, "--type", "GettingStarted.View");
        Assert.Equal(1, code);
        Assert.Contains("GettingStarted.View must have exactly one", err);
    }
}
