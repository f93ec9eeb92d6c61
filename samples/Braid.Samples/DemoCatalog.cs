using Braid.Samples.DeliveryOrders;
using Braid.Samples.ProductViews;
using Braid.Samples.SearchClicks;
using Braid.Samples.TaxInvoices;
using Braid.Samples.Timelines;

namespace Braid.Samples;

/// <summary>The five seed examples, in the order the seed note tells them.</summary>
public static class DemoCatalog
{
    public static IReadOnlyList<Demo> All { get; } =
    [
        DeliveryOrdersDemo.Create(),
        SearchClicksDemo.Create(),
        ProductViewsDemo.Create(),
        TimelinesDemo.Create(),
        TaxInvoicesDemo.Create(),
    ];

    /// <summary>The demo called <paramref name="name"/>, or null.</summary>
    public static Demo? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
