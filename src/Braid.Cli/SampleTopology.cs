using Braid.Serialization;

namespace Braid.Cli;

/// <summary>The sample the CLI describes until the demos arrive: product views enriched from a product table.</summary>
internal static class SampleTopology
{
    public static Topology ProductViews()
    {
        var builder = new StreamsBuilder();
        var products = builder.Table("products", Consumed.With(Serdes.String, Serdes.String), Materialized.As<string, string>("products-store"));
        var views = builder.Stream("product-views", Consumed.With(Serdes.String, Serdes.String));
        views.Join(products, (view, product) => $"{view} | {product}")
            .To("enriched-views", Produced.With(Serdes.String, Serdes.String));
        views.GroupByKey().Count(Materialized.As<string, long>("views-per-product"))
            .ToStream().To("view-counts", Produced.With(Serdes.String, Serdes.Int64));
        return builder.Build();
    }
}
