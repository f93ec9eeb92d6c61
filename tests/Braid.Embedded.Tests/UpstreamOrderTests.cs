using Braid.Serialization;
using Braid.Testing;

namespace Braid.Embedded.Tests;

/// <summary>
/// A join task that reads one input directly and the other through a repartition topic written by this
/// application's own upstream task. Kafka's readiness rule (an empty input that is caught up does not block at
/// max.task.idle.ms = 0) let the direct input run ahead while the upstream task had not yet published its
/// output: stream time raced ahead and the repartitioned records arrived "late" and were dropped (the full
/// benchmark's Nexmark q8 on the embedded runtime: 11,265 results instead of 56,662). Here every input is written
/// before start, so the result must be the one the TopologyTestDriver gives when the same records are piped in
/// timestamp order — on one thread and on two.
/// </summary>
public sealed class UpstreamOrderTests
{
    private const int People = 300;
    private const int AuctionsPerPerson = 7;

    private static Topology Build()
    {
        var b = new StreamsBuilder();
        var auctions = b.Stream("auctions", Consumed.With(Serdes.String, Serdes.String)).SelectKey((_, seller) => seller!);
        b.Stream("people", Consumed.With(Serdes.String, Serdes.String))
            .Join(auctions, (person, seller) => person + "/" + seller, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(50)))
            .To("matches", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    // Person i appears at 100·i; its auctions at 100·i + 10·j (within the 50 ms window, bounds included, only for j <= 5).
    private static IEnumerable<(string Topic, string Key, string Value, long Ts)> Input()
    {
        for (int i = 0; i < People; i++)
        {
            yield return ("people", $"p{i}", $"person{i}", 100L * i);
            for (int j = 0; j < AuctionsPerPerson; j++) yield return ("auctions", $"a{i}-{j}", $"p{i}", 100L * i + 10 * j);
        }
    }

    private static List<string> DriverResult()
    {
        using var driver = new TopologyTestDriver(Build());
        var people = driver.CreateInputTopic("people", Serdes.String, Serdes.String);
        var auctions = driver.CreateInputTopic("auctions", Serdes.String, Serdes.String);
        foreach (var r in Input().OrderBy(r => r.Ts)) (r.Topic == "people" ? people : auctions).PipeInput(r.Key, r.Value, r.Ts);
        return driver.CreateOutputTopic("matches", Serdes.String, Serdes.String).ReadValuesToList().Select(v => v!).Order().ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AJoinFedByItsOwnRepartition_AllInputWrittenBeforeStart_DropsNothingAsLate_AndMatchesTheDriver(int threads)
    {
        var expected = DriverResult();
        Assert.Equal(People * 6, expected.Count); // the reference itself: auctions j = 0..5 of every person
        using var dir = new TempDir();
        var options = TestOptions.For(dir.Path, partitions: 1, threads: threads);
        options = options with { MaxPollRecords = 50 };
        await using var app = new BraidApplication(Build(), options);
        var people = app.CreateProducer("people", Serdes.String, Serdes.String);
        var auctions = app.CreateProducer("auctions", Serdes.String, Serdes.String);
        // Each topic written as one batch, people first: the direct input is complete long before any
        // repartitioned auction is published.
        people.Send(Input().Where(r => r.Topic == "people").Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Ts)).ToList());
        auctions.Send(Input().Where(r => r.Topic == "auctions").Select(r => new TopicRecord<string, string>(r.Key, r.Value, r.Ts)).ToList());
        await app.StartAsync();
        await app.WaitForIdleAsync(TestOptions.Idle);
        var actual = app.CreateReader("matches", Serdes.String, Serdes.String).ReadToEnd().Select(r => r.Value!).Order().ToList();
        Assert.Equal(expected, actual);
    }
}
