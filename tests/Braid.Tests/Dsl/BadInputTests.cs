using System.Text;
using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Dsl;

public sealed class BadInputTests
{
    private static Topology PassThrough()
    {
        var b = new StreamsBuilder();
        b.Stream("in", Consumed.With(Serdes.String, Serdes.Int32)).To("out", Produced.With(Serdes.String, Serdes.Int32));
        return b.Build();
    }

    [Fact]
    public void PipingToAnUnknownTopic_ThrowsATypedErrorNamingIt()
    {
        using var d = new TopologyTestDriver(PassThrough());
        var e = Assert.Throws<UnknownTopicException>(() => d.CreateInputTopic<string, int>("nope"));
        Assert.Equal("nope", e.Topic);
    }

    [Fact]
    public void MalformedBytes_FailByDefault_NamingTopicAndOffset()
    {
        using var d = new TopologyTestDriver(PassThrough());
        var e = Assert.ThrowsAny<StreamsException>(() => d.CreateInputTopic<string, int>("in").PipeRawInput(null, [1, 2, 3], 1));
        Assert.Contains("in-0@0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedBytes_AreSkippedAndCounted_WithLogAndContinue()
    {
        var config = new StreamsConfig { DeserializationExceptionHandler = DeserializationExceptionHandler.LogAndContinue() };
        using var d = new TopologyTestDriver(PassThrough(), config);
        var input = d.CreateInputTopic<string, int>("in");
        input.PipeRawInput(null, [1, 2, 3], 1);
        input.PipeInput("k", 42, 2);
        Assert.Equal([42], d.CreateOutputTopic<string, int>("out").ReadValuesToList());
        Assert.Equal(1, d.DroppedRecords.Values.Sum());
    }

    [Fact]
    public void MalformedBytes_GoToTheDeadLetterTopic_WithTheErrorInHeaders()
    {
        var config = new StreamsConfig { DeserializationExceptionHandler = DeserializationExceptionHandler.DeadLetterQueue("dlq") };
        using var d = new TopologyTestDriver(PassThrough(), config);
        d.CreateInputTopic<string, int>("in").PipeRawInput(Encoding.UTF8.GetBytes("k"), [9], 7);
        var dead = d.CreateOutputTopic("dlq", Serdes.ByteArray, Serdes.ByteArray).ReadRecord();
        Assert.Equal([9], dead.Value!);
        Assert.Equal(7, dead.Timestamp);
        Assert.True(dead.Headers!.TryGetLast("braid.error.topic", out var h));
        Assert.Equal("in", Encoding.UTF8.GetString(h.Value!));
    }

    [Fact]
    public void UnknownStore_IsABuildTimeErrorNamingTheNode()
    {
        var b = new StreamsBuilder();
        b.Stream<string, string>("in").Process(() => new NoOp(), "missing-store");
        var e = Assert.Throws<TopologyException>(() => b.Build());
        Assert.Contains("missing-store", e.Message, StringComparison.Ordinal);
        Assert.Contains("KSTREAM-PROCESSOR-", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoProcessorsWithOneName_IsABuildTimeError()
    {
        var b = new StreamsBuilder();
        var s = b.Stream<string, string>("in");
        s.Filter((_, _) => true, name: "same");
        var e = Assert.Throws<TopologyException>(() => s.Filter((_, _) => true, name: "same"));
        Assert.Contains("'same'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeTimestamp_IsRejected()
    {
        using var d = new TopologyTestDriver(PassThrough());
        Assert.ThrowsAny<StreamsException>(() => d.CreateInputTopic<string, int>("in").PipeInput("k", 1, -5));
    }

    [Fact]
    public void BadApplicationId_IsAConfigErrorNamingTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => new TopologyTestDriver(PassThrough(), new StreamsConfig { ApplicationId = "has space" }));
        Assert.Equal(nameof(StreamsConfig.ApplicationId), e.Key);
    }

    private sealed class NoOp : Braid.Processors.IProcessor<string, string, string, string>
    {
        public void Process(Record<string, string> record) { }
    }
}
