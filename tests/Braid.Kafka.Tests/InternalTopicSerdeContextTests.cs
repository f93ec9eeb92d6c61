using System.Collections.Concurrent;
using Braid.Serialization;

namespace Braid.Kafka.Tests;

/// <summary>
/// On Kafka, serdes see internal topics under the names they have on the cluster, <c>&lt;application id&gt;-&lt;name&gt;</c>
/// (Kafka Streams' <c>InternalTopologyBuilder.decorateTopic</c>; its sinks and sources pass that name to
/// <c>Serializer.serialize(topic, …)</c>), so a Schema Registry serde derives the same subjects as Kafka Streams'.
/// A recording serde on a repartition sees every context: the sink's writes, the source's reads, QueryMetadataForKey.
/// </summary>
public sealed class InternalTopicSerdeContextTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    [Fact]
    public async Task RepartitionSerdes_AreGivenTheInternalTopicsRealName_OnWriteReadAndKeyRouting()
    {
        string views = _k.Prefix + "views";
        _k.CreateTopic(views, 2);
        var recording = new RecordingSerde();
        var b = new StreamsBuilder();
        b.Stream(views, Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((user, page) => page!)
            .GroupByKey(Grouped.With(recording, Serdes.String))
            .Count(Materialized.As<string, long>("per-page") with { KeySerde = Serdes.String });
        var app = _k.App(b.Build(), "ctx");
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Running && app.ActiveTasks.Count > 0, TimeSpan.FromSeconds(60), "the app running");
        _k.Produce(views, Serdes.String, Serdes.String, [("u1", (string?)"home", 1_000L), ("u2", "cart", 1_001L), ("u3", "home", 1_002L)]);
        await KafkaTestCluster.WaitUntilAsync(() => recording.Seen.Count(s => s.Op == "deserialize") >= 3, TimeSpan.FromSeconds(60), "the repartitioned records read back");
        recording.Routing(true);
        app.QueryMetadataForKey("per-page", "home", recording);
        recording.Routing(false);

        string real = Assert.Single(app.Layout!.InternalTopics.Select(t => t.Name), n => n.EndsWith("-repartition", StringComparison.Ordinal));
        Assert.StartsWith(_k.Prefix + "ctx-", real, StringComparison.Ordinal);
        var topics = recording.Seen.Select(s => s.Topic).Distinct().ToList();
        Assert.True(topics.SequenceEqual([real]), $"serdes saw {string.Join(", ", topics)}; expected only the topic's name on the cluster, {real}");
        Assert.Contains(recording.Seen, s => s.Op == "serialize" && s.Target == SerdeTarget.Key);
        Assert.Contains(recording.Seen, s => s.Op == "deserialize" && s.Target == SerdeTarget.Key);
        Assert.Contains(recording.Seen, s => s.Op == "route");
    }

    public void Dispose() => _k.Dispose();

    /// <summary>A string serde that records the context of every call (key routing serializes with a context too).</summary>
    private sealed class RecordingSerde : Serde<string>
    {
        public ConcurrentQueue<(string Op, string Topic, SerdeTarget Target)> Seen { get; } = new();

        private int _routing;

        public override byte[] Serialize(string value) => throw new InvalidOperationException("no topic context");

        public override string Deserialize(ReadOnlySpan<byte> data) => throw new InvalidOperationException("no topic context");

        public override byte[] Serialize(string value, SerdeContext context)
        {
            Seen.Enqueue((Volatile.Read(ref _routing) == 1 ? "route" : "serialize", context.Topic, context.Target));
            return Serdes.String.Serialize(value);
        }

        public override string Deserialize(ReadOnlySpan<byte> data, SerdeContext context)
        {
            Seen.Enqueue(("deserialize", context.Topic, context.Target));
            return Serdes.String.Deserialize(data)!;
        }

        public void Routing(bool on) => Volatile.Write(ref _routing, on ? 1 : 0);
    }
}
