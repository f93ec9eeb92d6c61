using Braid.Embedded;
using Braid.Serialization;

namespace Braid.Postgres.Tests;

/// <summary>A row of the test table <c>public.products(id int primary key, category text, price numeric(12,2), name text)</c>.</summary>
public sealed record Product(int Id, string Category, decimal Price, string? Name);

/// <summary>Per-category count and price sum: an aggregate with a subtractor, so a change applied twice or lost shows.</summary>
public sealed record CategoryTotals(long Count, decimal Sum);

/// <summary>The topology shared by the tests and the crash child: the local copy of products and totals per category.</summary>
public static class Shop
{
    public const string TableStore = "products-store";
    public const string TotalsStore = "category-totals";

    public static PostgresTableSource<int, Product> Source(string connectionString, string slot = "braid_products") => new(SourceOptions(connectionString, slot));

    public static PostgresTableOptions<int, Product> SourceOptions(string connectionString, string slot = "braid_products") => new()
    {
        ConnectionString = connectionString,
        Table = "public.products",
        Publication = "braid_products",
        Slot = slot,
        KeySerde = Serdes.Int32,
        Materialized = Materialized.As<int, Product>(TableStore),
    };

    public static Topology Build(PostgresTableSource<int, Product> source)
    {
        var b = new StreamsBuilder();
        var products = source.AddTo(b);
        products.GroupBy((_, p) => KeyValue.Pair(p.Category, p), new Grouped<string, Product> { KeySerde = Serdes.String, ValueSerde = Serdes.Json<Product>() })
            .Aggregate(() => new CategoryTotals(0, 0m),
                (_, p, a) => new CategoryTotals(a.Count + 1, a.Sum + p.Price),
                (_, p, a) => new CategoryTotals(a.Count - 1, a.Sum - p.Price),
                Materialized.As<string, CategoryTotals>(TotalsStore) with { KeySerde = Serdes.String, ValueSerde = Serdes.Json<CategoryTotals>() });
        return b.Build();
    }

    public static BraidApplicationOptions Options(string dir) => new()
    {
        Streams = new StreamsConfig { ApplicationId = "shop" },
        StateDirectory = dir,
        CommitInterval = TimeSpan.FromMilliseconds(20),
    };

    public const string CreateTable = """
        CREATE TABLE products(id int PRIMARY KEY, category text NOT NULL, price numeric(12,2) NOT NULL, name text);
        CREATE PUBLICATION braid_products FOR TABLE products;
        """;
}
