using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Driver;

/// <summary>
/// The driver hands records of internal topics to its task as objects and keeps them for reading only once a test
/// asks (issue 19). What a test can observe must not change: the topic's bytes when read, the source bytes in a
/// dead letter of a record that came through the topic, and the list of produced topics.
/// </summary>
public sealed class InternalTopicHandOffTests
{
    // Re-keys by the value's first letter (a repartition topic), then fails on "bad" after the repartition.
    private static Topology RekeyThenMap()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((_, v) => v![..1])
            .Repartition(new Repartitioned<string, string> { KeySerde = Serdes.String, ValueSerde = Serdes.String, Name = "by-letter" })
            .MapValues(v => v == "bad" ? throw new InvalidOperationException("cannot map bad") : v!.ToUpperInvariant())
            .To("out", Produced.With(Serdes.String, Serdes.String));
        return b.Build();
    }

    private static StreamsConfig Config() => new()
    {
        ApplicationId = "hand-off",
        ProcessingExceptionHandler = ProcessingExceptionHandler.LogAndContinue(),
        DeadLetterQueueTopic = "dead",
    };

    private static string RepartitionTopic(TopologyTestDriver d) =>
        Assert.Single(d.ProducedTopicNames, t => t.EndsWith("-repartition", StringComparison.Ordinal));

    [Fact]
    public void InternalTopic_ReadAfterCreateOutputTopic_HasTheBytesTheSinkWouldHaveWritten()
    {
        using var d = new TopologyTestDriver(RekeyThenMap(), Config());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "apple", 1);
        string topic = RepartitionTopic(d); // listed although nobody read it yet
        var repartitioned = d.CreateOutputTopic(topic, Serdes.ByteArray, Serdes.ByteArray);
        Assert.Empty(repartitioned.ReadRecordsToList()); // kept from CreateOutputTopic on
        input.PipeInput("k2", "avocado", 2);
        var r = Assert.Single(repartitioned.ReadRecordsToList());
        Assert.Equal(Serdes.String.Serialize("a"), r.Key);
        Assert.Equal(Serdes.String.Serialize("avocado"), r.Value);
        Assert.Equal(2, r.Timestamp);
        Assert.Equal(["APPLE", "AVOCADO"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void FailureAfterAnInternalTopic_DeadLetterCarriesTheInternalRecordsBytes()
    {
        using var d = new TopologyTestDriver(RekeyThenMap(), Config());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "bad", 5);
        var dead = Assert.Single(d.CreateOutputTopic("dead", Serdes.ByteArray, Serdes.ByteArray).ReadRecordsToList());
        // The failing record was read from the repartition topic: its key is the new key "b", as on every host.
        Assert.Equal(Serdes.String.Serialize("b"), dead.Key);
        Assert.Equal(Serdes.String.Serialize("bad"), dead.Value);
        Assert.True(dead.Headers!.TryGetLast(ErrorHandlerContext.TopicHeader, out var h));
        Assert.EndsWith("-repartition", System.Text.Encoding.UTF8.GetString(h.Value!), StringComparison.Ordinal);
    }

    // Records through an internal topic are pooled by their sink and reused once delivered: a record kept for a
    // reader must never be reused (its bytes would become a later record's), and each of several records queued at
    // once from one input must arrive with its own values.
    [Fact]
    public void InternalTopic_RecordsKeptForAReader_KeepTheirOwnValues_WhileLaterRecordsReuseThePool()
    {
        using var d = new TopologyTestDriver(RekeyThenMap(), Config());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k0", "apricot", 1);
        var repartitioned = d.CreateOutputTopic(RepartitionTopic(d), Serdes.String, Serdes.String);
        input.PipeInput("k1", "banana", 2);
        input.PipeInput("k2", "cherry", 3);
        input.PipeInput("k3", "date", 4);
        Assert.Equal([("b", "banana"), ("c", "cherry"), ("d", "date")],
            repartitioned.ReadRecordsToList().Select(r => (r.Key!, r.Value!)).ToList());
        Assert.Equal(["APRICOT", "BANANA", "CHERRY", "DATE"], d.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void InternalTopic_ManyRecordsQueuedFromOneInput_EachArrivesWithItsOwnKeyValueAndTimestamp()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.String))
            .FlatMap((_, v) => v!.Split(',').Select(w => new KeyValue<string, string>(w[..1], w)))
            .Repartition(new Repartitioned<string, string> { KeySerde = Serdes.String, ValueSerde = Serdes.String, Name = "words" })
            .Map((k, v) => new KeyValue<string, string>(k!, k + ":" + v))
            .To("out", Produced.With(Serdes.String, Serdes.String));
        using var d = new TopologyTestDriver(b.Build(), Config());
        var input = d.CreateInputTopic("in", Serdes.String, Serdes.String);
        var output = d.CreateOutputTopic("out", Serdes.String, Serdes.String);
        input.PipeInput("x", "ant,bee,cat,dog,eel", 10);
        input.PipeInput("y", "fox,gnu", 20);
        Assert.Equal([("a", "a:ant", 10L), ("b", "b:bee", 10L), ("c", "c:cat", 10L), ("d", "d:dog", 10L), ("e", "e:eel", 10L), ("f", "f:fox", 20L), ("g", "g:gnu", 20L)],
            output.ReadRecordsToList().Select(r => (r.Key!, r.Value!, r.Timestamp)).ToList());
    }
}
