using Braid.Cli;

namespace Braid.Samples.Tests;

/// <summary>`braid demo` runs on the embedded runtime; its results must be exactly the driver's.</summary>
public sealed class EmbeddedRuntimeTests
{
    public static TheoryData<string> DemoNames() => new(DemoCatalog.All.Select(d => d.Name));

    [Theory]
    [MemberData(nameof(DemoNames))]
    public void Demo_OnTheEmbeddedRuntime_ProducesExactlyTheDriversOutputAndAnswers(string name)
    {
        var demo = DemoCatalog.Find(name)!;
        var inDriver = DemoHarness.Run(demo);
        var embedded = DemoRunner.Run(demo, script => new EmbeddedHost(script));

        Assert.Equal(inDriver.Scripts.Count, embedded.Scripts.Count);
        for (int i = 0; i < inDriver.Scripts.Count; i++)
        {
            Assert.Equal(DemoHarness.Lines(inDriver.Scripts[i]), DemoHarness.Lines(embedded.Scripts[i]));
            Assert.Equal(DemoHarness.Answers(inDriver.Scripts[i]), DemoHarness.Answers(embedded.Scripts[i]));
        }
    }
}
