using Braid.Cdc;
using Braid.Serialization;
using Braid.State;

namespace Braid.Kafka.Tests;

/// <summary>Debezium change-event topics as a KTable and as a GlobalKTable on the Kafka host.</summary>
public sealed class DebeziumOnKafkaTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    public sealed record Cust(int Id, string Name);

    [Fact]
    public async Task Debezium_topics_feed_a_table_and_a_global_table_that_orders_are_joined_with()
    {
        string cust = _k.Prefix + "dbz.public.customers", custGlobal = _k.Prefix + "dbz.public.customers-g", orders = _k.Prefix + "orders",
            viaTable = _k.Prefix + "via-table", viaGlobal = _k.Prefix + "via-global";
        _k.CreateTopic(cust, 4);
        _k.CreateTopic(custGlobal, 2);
        _k.CreateTopic(orders, 4);
        _k.CreateTopic(viaTable, 4);
        _k.CreateTopic(viaGlobal, 4);
        var key = DebeziumSerdes.Key<int>();
        // Creates for 1..20, updates of 1..5, deletes (each followed by its tombstone) of 6..8.
        var changes = new List<(int Key, string? Value, long Ts)>();
        for (int i = 1; i <= 20; i++) changes.Add((i, Envelope("c", null, $$"""{"id":{{i}},"name":"n{{i}}"}""", 100 + i), 100 + i));
        for (int i = 1; i <= 5; i++) changes.Add((i, Envelope("u", $$"""{"id":{{i}},"name":"n{{i}}"}""", $$"""{"id":{{i}},"name":"u{{i}}"}""", 200 + i), 200 + i));
        for (int i = 6; i <= 8; i++)
        {
            changes.Add((i, Envelope("d", $$"""{"id":{{i}},"name":"n{{i}}"}""", null, 300 + i), 300 + i));
            changes.Add((i, null, 300 + i));
        }
        _k.Produce(cust, key, Serdes.String, changes);
        _k.Produce(custGlobal, key, Serdes.String, changes);

        var b = new StreamsBuilder();
        var table = b.Table(cust, new DebeziumTableOptions<int, Cust> { Materialized = Materialized.As<int, Cust>("customers") });
        var global = b.GlobalTable(custGlobal, new DebeziumTableOptions<int, Cust> { Materialized = Materialized.As<int, Cust>("customers-global") });
        var stream = b.Stream(orders, Consumed.With(key, Serdes.String));
        stream.LeftJoin(table, (o, c) => $"{o}:{c?.Name ?? "?"}").To(viaTable, Produced.With(key, Serdes.String));
        stream.LeftJoin(global, (k, _) => k, (o, c) => $"{o}:{c?.Name ?? "?"}").To(viaGlobal, Produced.With(key, Serdes.String));
        var app = _k.App(b.Build(), "debezium");
        await app.StartAsync();
        long GlobalCount() => ((IKeyValueStore<int, ValueAndTimestamp<Cust>>)app.GlobalStores!["customers-global"]).ApproximateCount;
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= changes.Count && GlobalCount() == 17, TimeSpan.FromSeconds(60), "the change events applied");

        var ord = Enumerable.Range(1, 25).Select(i => (i, (string?)("o" + i), 1000L + i)).ToList();
        _k.Produce(orders, key, Serdes.String, ord);
        await KafkaTestCluster.WaitUntilAsync(() => _k.ReadAll(viaTable, key, Serdes.String).Count == 25 && _k.ReadAll(viaGlobal, key, Serdes.String).Count == 25,
            TimeSpan.FromSeconds(60), "every order joined twice");
        string Expected(int i) => $"o{i}:" + (i <= 5 ? $"u{i}" : i is >= 6 and <= 8 || i > 20 ? "?" : $"n{i}");
        var want = string.Join(", ", Enumerable.Range(1, 25).Select(Expected));
        Assert.Equal(want, string.Join(", ", _k.ReadAll(viaTable, key, Serdes.String).OrderBy(r => r.Key).Select(r => r.Value)));
        Assert.Equal(want, string.Join(", ", _k.ReadAll(viaGlobal, key, Serdes.String).OrderBy(r => r.Key).Select(r => r.Value)));
    }

    private static string Envelope(string op, string? before, string? after, long tsMs) =>
        $$"""{"before":{{before ?? "null"}},"after":{{after ?? "null"}},"op":"{{op}}","source":{"ts_ms":{{tsMs}}},"ts_ms":{{tsMs + 1}}}""";

    public void Dispose() => _k.Dispose();
}
