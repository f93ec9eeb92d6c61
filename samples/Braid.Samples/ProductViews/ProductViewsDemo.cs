using Braid.Serialization;

namespace Braid.Samples.ProductViews;

/// <summary>A user looked at a product.</summary>
public sealed record View(string UserId, string ProductId);

/// <summary>A row of the product table (the shop's database, copied into the stream processor).</summary>
public sealed record Product(decimal Price, string Description, int Stock)
{
    public string Show() => $"{Description}, {Price:0} won, {Stock} in stock";
}

/// <summary>A view with the product's details as they were when the view happened.</summary>
public sealed record EnrichedView(string UserId, string ProductId, Product? Product)
{
    public string Show() => $"{UserId} saw {ProductId}: " + (Product?.Show() ?? "unknown product");
}

/// <summary>
/// Product views: view events enriched with price, description and stock from a product table — once as
/// a KStream–KTable join and once as a KStream–GlobalKTable join.
/// </summary>
public static class ProductViewsDemo
{
    // Views are keyed by user: that is how the web site produces them.
    public static readonly DemoTopic<string, View> Views = new("product-views", Serdes.String, Serdes.Json<View>(), v => v.ProductId);
    public static readonly DemoTopic<string, Product> Products = new("products", Serdes.String, Serdes.Json<Product>(), p => p.Show());
    public static readonly DemoTopic<string, EnrichedView> Enriched = new("enriched-views", Serdes.String, Serdes.Json<EnrichedView>(), v => v.Show());

    /// <summary>
    /// KTable: both sides must be keyed (and partitioned) by product id, so the views are re-keyed first
    /// (a repartition topic); each instance keeps the products of its own partitions.
    /// </summary>
    public static Topology BuildWithTable()
    {
        var builder = new StreamsBuilder();
        var products = builder.Table(Products.Name, Consumed.With(Products.KeySerde, Products.ValueSerde), Materialized.As<string, Product>("products-store"));
        builder.Stream(Views.Name, Consumed.With(Views.KeySerde, Views.ValueSerde))
            .SelectKey((_, view) => view!.ProductId)
            .LeftJoin(products, (view, product) => new EnrichedView(view.UserId, view.ProductId, product))
            .To(Enriched.Name, Produced.With(Serdes.String, Enriched.ValueSerde));
        return builder.Build();
    }

    /// <summary>
    /// GlobalKTable: every instance keeps all products, so a view is looked up by the product id inside
    /// it, with no re-keying, and the output keeps the user as key.
    /// </summary>
    public static Topology BuildWithGlobalTable()
    {
        var builder = new StreamsBuilder();
        var products = builder.GlobalTable(Products.Name, Consumed.With(Products.KeySerde, Products.ValueSerde), Materialized.As<string, Product>("products-global-store"));
        builder.Stream(Views.Name, Consumed.With(Views.KeySerde, Views.ValueSerde))
            .LeftJoin(products, (_, view) => view.ProductId, (view, product) => new EnrichedView(view.UserId, view.ProductId, product))
            .To(Enriched.Name, Produced.With(Serdes.String, Enriched.ValueSerde));
        return builder.Build();
    }

    public static Demo Create()
    {
        long t(int minute) => DemoClock.At(minute);
        DemoStep[] steps =
        [
            Products.Record("prod456", new Product(20000m, "high-performance laptop", 10), t(0)),
            Products.Record("prod789", new Product(900m, "USB cable", 250), t(0)),
            Views.Record("user123", new View("user123", "prod456"), t(1)),
            Views.Record("user555", new View("user555", "prod789"), t(2)),
            Products.Record("prod456", new Product(18000m, "high-performance laptop", 9), t(3), "price cut: changes later views only"),
            Views.Record("user777", new View("user777", "prod456"), t(4)),
            Views.Record("user123", new View("user123", "prod000"), t(5), "a product the table does not have"),
        ];

        return new Demo(
            "product-views",
            "Product views: enriching a stream from a table",
            """
            Every view event (user, product) gets the product's price, description and stock from the shop's
            product table. Instead of asking the database for each event, Braid keeps a local copy of the table,
            fed by the products topic, and looks the product up when the view arrives. A product update changes
            the copy, so later views see the new price; views already enriched keep the price they were shown.
            The left join keeps views of unknown products. With a KTable the views are re-keyed by product id
            (a repartition topic) and each instance holds its share of the products; with a GlobalKTable every
            instance holds all of them and the view keeps its user key.
            """,
            [
                new DemoScript("views ⋈ products as a KTable (re-keyed by product)", BuildWithTable, steps, [Enriched]),
                new DemoScript("views ⋈ products as a GlobalKTable (keyed by user)", BuildWithGlobalTable, steps, [Enriched]),
            ]);
    }
}
