using Braid.Serialization;

namespace Braid.Kafka.Tests;

public sealed class StreamTableJoinTests : IDisposable
{
    private readonly KafkaTestCluster _k = new();

    internal static List<(string, string?, long)> Customers(int n) => Enumerable.Range(0, n).Select(i => ("c" + i, (string?)("name" + i), 1000L + i)).ToList();

    internal static List<(string, string?, long)> Orders(int n, int customers) =>
        Enumerable.Range(0, n).Select(i => ("c" + (i % (customers + 3)), (string?)("o" + i), 5000L + i)).ToList();

    [Fact]
    public async Task Stream_table_join_on_Kafka_equals_the_test_driver()
    {
        string orders = _k.Prefix + "orders", customers = _k.Prefix + "customers", output = _k.Prefix + "enriched";
        _k.CreateTopic(orders, 4);
        _k.CreateTopic(customers, 4);
        _k.CreateTopic(output, 4);
        var app = _k.App(Topologies.StreamTable(orders, customers, output), "st");
        await app.StartAsync();
        await app.WaitForStateAsync(StreamsState.Running, TimeSpan.FromSeconds(20));

        var cust = Customers(20);
        var ord = Orders(300, 20);
        _k.Produce(customers, Serdes.String, Serdes.String, cust);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= cust.Count, TimeSpan.FromSeconds(20), "customers processed");
        _k.Produce(orders, Serdes.String, Serdes.String, ord);
        await KafkaTestCluster.WaitUntilAsync(() => app.ProcessedRecords >= cust.Count + ord.Count, TimeSpan.FromSeconds(20), "orders processed");
        await app.CloseAsync();

        var expected = Topologies.Reference(Topologies.StreamTable(orders, customers, output), output, (customers, cust), (orders, ord));
        var actual = _k.ReadAll(output, Serdes.String, Serdes.String);
        Assert.Equal(ord.Count(o => int.Parse(o.Item1[1..]) < 20), expected.Count); // orders of unknown customers find no match
        Assert.Equal(expected.Select(kv => (kv.Key, kv.Value)).Order(), actual.Select(kv => ((string?)kv.Key, kv.Value)).Order());
    }

    public void Dispose() => _k.Dispose();
}
