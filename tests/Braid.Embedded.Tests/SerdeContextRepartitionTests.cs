using System.Text;
using Braid.Serialization;
using Braid.Tests.Shared;

namespace Braid.Embedded.Tests;

/// <summary>
/// A serde that needs its topic (as Schema Registry serdes do) works inside the wrappers the runtime puts around
/// it on internal topics: a table GroupBy repartitions each change (new and old value) through ChangeSerde, which
/// must hand the repartition topic's context on, as Kafka's ChangedSerializer does.
/// </summary>
public sealed class SerdeContextRepartitionTests
{
    [Fact]
    public async Task TableGroupBy_WithAContextRequiringValueSerde_RepartitionsNewAndOldValues_AndCountsRight()
    {
        var b = new StreamsBuilder();
        b.Table("users", Consumed.With(Serdes.String, Serdes.String))
            .GroupBy((user, city) => KeyValue.Pair(city, user), Grouped.With(Serdes.String, new TopicTaggedSerde()))
            .Count()
            .ToStream().To("per-city", Produced.With(Serdes.String, Serdes.Int64));
        using var dir = new TempDir();
        await using var app = new BraidApplication(b.Build(), new BraidApplicationOptions
        {
            Streams = new StreamsConfig { ApplicationId = "ctx" },
            StateDirectory = dir.Path,
            CommitInterval = TimeSpan.Zero,
        });
        await app.StartAsync();
        var users = app.CreateProducer("users", Serdes.String, Serdes.String);
        users.Send("u1", "paris", 1);
        users.Send("u2", "paris", 2);
        users.Send("u1", "rome", 3); // the old value (paris) travels too: paris must drop back to 1
        await app.WaitForIdleAsync(TimeSpan.FromSeconds(60));
        var latest = app.CreateReader("per-city", Serdes.String, Serdes.Int64).ReadToEnd()
            .GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => g.Last().Value);
        Assert.Equal(new Dictionary<string, long> { ["paris"] = 1, ["rome"] = 1 }, latest);
        Assert.Equal(StreamsState.Running, app.State);
    }
}
