using Braid.CrashTests;
using Braid.Embedded.Tests.Support;
using Braid.Serialization;

namespace Braid.Embedded.Tests;

public class GuaranteeTests
{
    private static async Task<Dictionary<string, List<(string? Key, string? Value, long Ts)>>> RunWorkload(BraidApplicationOptions options, int records, int seed)
    {
        var input = CrashWorkload.Generate(records, seed);
        await using var app = new BraidApplication(CrashWorkload.Build(), options);
        foreach (var g in input.GroupBy(r => r.Topic))
            app.CreateProducer(g.Key, Serdes.String, Serdes.String).Send(g.Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Timestamp)));
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        return CrashWorkload.Outputs.ToDictionary(t => t, t => app.CreateReader(t, Serdes.String, Serdes.String).ReadToEnd()
            .Select(r => (r.Key, r.Value, r.Timestamp)).OrderBy(r => r.Key).ThenBy(r => r.Timestamp).ThenBy(r => r.Value).ToList());
    }

    private static Dictionary<string, List<(string? Key, string? Value, long Ts)>> Sorted(Dictionary<string, List<(string? Key, string? Value, long Timestamp)>> reference) =>
        reference.ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => (r.Key, r.Value, Ts: r.Timestamp)).OrderBy(r => r.Key).ThenBy(r => r.Ts).ThenBy(r => r.Value).ToList());

    [Fact]
    public async Task AtLeastOnce_WithoutCrashes_EqualsTheDriver()
    {
        using var dir = new TempDir();
        var expected = Sorted(CrashWorkload.Reference(CrashWorkload.Generate(2000, 31)));
        var actual = await RunWorkload(TestOptions.For(dir.Path, 2, 2) with { ProcessingGuarantee = ProcessingGuarantee.AtLeastOnce }, 2000, 31);
        foreach (var t in CrashWorkload.Outputs) Assert.Equal(expected[t], actual[t]);
    }

    [Fact]
    public async Task JournalBackend_PowerLossDurability_EqualsTheDriver()
    {
        using var dir = new TempDir();
        var expected = Sorted(CrashWorkload.Reference(CrashWorkload.Generate(1500, 32)));
        var options = TestOptions.For(dir.Path, 2, 2) with { StateBackendFactory = d => new JournalStateBackend(d, fsync: true), Durability = Durability.PowerLoss };
        var actual = await RunWorkload(options, 1500, 32);
        foreach (var t in CrashWorkload.Outputs) Assert.Equal(expected[t], actual[t]);
    }
}
