// The code of docs/getting-started.md, step 2; GettingStartedTests fails if the two drift apart.
using Braid;
using Braid.Serialization;

namespace GettingStarted;

public sealed record View(string UserId, string ProductId);
public sealed record Product(decimal Price, string Description, int Stock);
public sealed record EnrichedView(string UserId, string ProductId, decimal? Price);

public static class Shop
{
    public static Topology Build()
    {
        var builder = new StreamsBuilder();
        var products = builder.Table("products", Consumed.With(Serdes.String, Serdes.Json<Product>()),
            Materialized.As<string, Product>("products-store"));
        builder.Stream("product-views", Consumed.With(Serdes.String, Serdes.Json<View>()))
            .SelectKey((_, view) => view!.ProductId)                       // join on the product id
            .LeftJoin(products, (view, product) => new EnrichedView(view.UserId, view.ProductId, product?.Price))
            .To("enriched-views", Produced.With(Serdes.String, Serdes.Json<EnrichedView>()));
        return builder.Build();
    }
}
