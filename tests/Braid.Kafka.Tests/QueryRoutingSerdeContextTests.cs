using System.Text;
using Braid.Serialization;
using Braid.Tests.Shared;
using Braid.State;

namespace Braid.Kafka.Tests;

/// <summary>
/// QueryMetadataForKey with a key serde that needs its topic (as a Schema Registry serde does, whose bytes carry the
/// subject's schema id): it must serialize the key as the repartition sink did, with that topic's key context, or
/// it fails (no context) or hashes other bytes and names the wrong partition.
/// </summary>
public sealed class QueryRoutingSerdeContextTests : IDisposable
{
    private const int Partitions = 4;
    private readonly KafkaTestCluster _k = new();

    [Fact]
    public async Task QueryMetadataForKey_WithATopicRequiringKeySerde_NamesThePartitionTheRepartitionSinkWroteTheKeyTo()
    {
        string views = _k.Prefix + "views";
        _k.CreateTopic(views, Partitions);
        var tagged = new TopicTaggedSerde();
        var b = new StreamsBuilder();
        // Views keyed by user, re-keyed by page: the page key is partitioned by the tagged serde on the repartition
        // topic; the store itself keeps plain strings (stores serialize without a topic).
        b.Stream(views, Consumed.With(Serdes.String, Serdes.String))
            .SelectKey((user, page) => page!)
            .GroupByKey(Grouped.With(tagged, Serdes.String))
            .Count(Materialized.As<string, long>("per-page") with { KeySerde = Serdes.String });
        var app = _k.App(b.Build(), "route");
        await app.StartAsync();
        await KafkaTestCluster.WaitUntilAsync(() => app.State == StreamsState.Running && app.ActiveTasks.Count > 0, TimeSpan.FromSeconds(60), "the app running");
        var pages = Enumerable.Range(0, 16).Select(i => $"page{i}").ToList();
        var records = pages.SelectMany((p, i) => Enumerable.Range(0, i % 3 + 1).Select(n => ($"user{n}", (string?)p, 1_000L + n))).ToList();
        _k.Produce(views, Serdes.String, Serdes.String, records);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= 2L * records.Count, TimeSpan.FromSeconds(60), "views processed and repartitioned");

        var used = new HashSet<int>();
        foreach (var (page, i) in pages.Select((p, i) => (p, i)))
        {
            var md = app.QueryMetadataForKey("per-page", page, tagged);
            used.Add(md.Partition);
            var only = new StoreQueryParameters { Partition = md.Partition };
            await KafkaTestCluster.WaitUntilAsync(() => app.GetTimestampedKeyValueStore<string, long>("per-page", only).TryGet(page, out var c) && c.Value == i % 3 + 1,
                TimeSpan.FromSeconds(30), $"{page} counted {i % 3 + 1} in partition {md.Partition}, the one QueryMetadataForKey names");
        }
        Assert.True(used.Count > 1, "the pages spread over several partitions (else the check above proves nothing)");
    }

    public void Dispose() => _k.Dispose();
}
