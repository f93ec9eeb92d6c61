using Braid.Samples;
using Braid.Samples.DeliveryOrders;
using Braid.Samples.ProductViews;
using Braid.Samples.SearchClicks;
using Braid.Samples.TaxInvoices;
using Braid.Samples.Timelines;

namespace Braid.Sql.Tests;

/// <summary>
/// Each samples/sql program, fed the same records as its DSL demo, gives the demo's output: the final rows of a
/// view, or every record of a stream in order. Would catch: a SQL construct mapped to a different DSL operator
/// than the demo uses (inner for left join, latest instead of as-of lookup, no grace), a lost column, wrong
/// arithmetic, a changed record order.
/// </summary>
public sealed class SampleAcceptanceTests
{
    public static TheoryData<string> Hosts => new() { "driver", "embedded" };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Timelines_sample_equals_the_DSL_demo(string host)
    {
        var script = TimelinesDemo.Create().Scripts[0];
        var expected = new Dictionary<string, IReadOnlyList<TimelineEntry>>();
        foreach (var (key, value, _) in SampleRuns.Dsl(script, TimelinesDemo.Timelines))
            if (value is null) expected.Remove(key);
            else expected[key] = value;

        var (h, program) = SampleRuns.Run("timelines", host, "tweets", "follows");
        using (h)
        {
            var actual = h.Store(program.View("timelines")).All().ToDictionary(
                kv => (string)kv.Key[0]!,
                kv => ((SqlArray)kv.Value.Value["array_agg"]!).Cast<SqlRow>()
                    .Select(t => new TimelineEntry((long)t["id"]!, (string)t["sender_id"]!, (string)t["text"]!, (long)t["timestamp"]!)).ToList());
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (user, entries) in expected) Assert.Equal(entries, actual[user]);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Product_views_sample_equals_the_DSL_demo(string host)
    {
        var expected = SampleRuns.Dsl(ProductViewsDemo.Create().Scripts[0], ProductViewsDemo.Enriched)
            .Select(r => (r.Key, r.Value!.UserId, r.Value.ProductId, r.Value.Product?.Price, r.Value.Product?.Description, (long?)r.Value.Product?.Stock, r.Timestamp))
            .ToList();
        var (h, program) = SampleRuns.Run("product-views", host, "products", "product_views");
        using (h)
        {
            var actual = h.Read(program.View("enriched_views"))
                .Select(r => ((string)r.Key![0]!, (string)r.Value!["user_id"]!, (string)r.Value["product_id"]!, (decimal?)r.Value["price"],
                    (string?)r.Value["description"], (long?)r.Value["stock"], r.Timestamp))
                .ToList();
            Assert.Equal(4, expected.Count);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Tax_invoices_sample_equals_the_DSL_demo(string host)
    {
        var expected = SampleRuns.Dsl(TaxInvoicesDemo.Create().Scripts[0], TaxInvoicesDemo.Invoices)
            .Select(r => (r.Key, r.Value!.SaleId, r.Value.Region, r.Value.Amount, r.Value.RateId, r.Value.Rate, r.Value.Tax, r.Timestamp))
            .ToList();
        var (h, program) = SampleRuns.Run("tax-invoices", host, "tax_rates", "sales");
        using (h)
        {
            var actual = h.Read(program.View("invoices"))
                .Select(r => ((string)r.Key![0]!, (string)r.Value!["sale_id"]!, (string)r.Value["region"]!, (decimal)r.Value["amount"]!,
                    (string)r.Value["rate_id"]!, (decimal)r.Value["rate"]!, (decimal)r.Value["tax"]!, r.Timestamp))
                .ToList();
            Assert.Equal(5, expected.Count);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Search_clicks_sample_equals_the_DSL_demo_outcomes(string host)
    {
        // The outcomes stream (stream–stream FULL JOIN in a 5-minute window). The demo's click-through per URL
        // needs one impression per result URL (UNNEST), which Braid SQL does not have: not part of the sample.
        var expected = SampleRuns.Dsl(SearchClicksDemo.Create().Scripts[0], SearchClicksDemo.Outcomes)
            .Select(r => (r.Key, r.Value!.Kind, r.Value.Keyword, r.Value.Url, r.Timestamp)).ToList();
        var (h, program) = SampleRuns.Run("search-clicks", host, "searches", "clicks");
        using (h)
        {
            var actual = h.Read(program.View("search_outcomes"))
                .Select(r => ((string)r.Key![0]!, (string)r.Value!["kind"]!, (string?)r.Value["keyword"], (string?)r.Value["url"], r.Timestamp)).ToList();
            Assert.Equal(6, expected.Count);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Delivery_orders_sample_equals_the_DSL_demo_until_the_removal(string host)
    {
        // The demo's last input is a tombstone on the event stream that deletes a finished order. A SQL view
        // over a stream has no way to delete a group (docs/sql.md), so the sample stops before it and is
        // compared with the demo's table as it stood then.
        var script = DeliveryOrdersDemo.Create().Scripts[0];
        int removal = script.Steps.ToList().FindIndex(s => s is DemoInput { Value: null });
        var untilRemoval = script with { Steps = script.Steps.Take(removal).ToList() };
        var expected = new Dictionary<string, OrderStatus>();
        foreach (var (key, value, _) in SampleRuns.Dsl(untilRemoval, DeliveryOrdersDemo.Status))
            if (value is null) expected.Remove(key);
            else expected[key] = value;
        var (h, program) = SampleRuns.Run("delivery-orders", host, "order_events");
        using (h)
        {
            var actual = h.Store(program.View("order_status")).All().ToDictionary(kv => (string)kv.Key[0]!, kv => new OrderStatus(
                (string)kv.Value.Value["order_id"]!, (string)kv.Value.Value["customer_id"]!, (string?)kv.Value.Value["rider_id"],
                (string)kv.Value.Value["status"]!, (long)kv.Value.Value["time"]!));
            Assert.Equal(2, expected.Count);
            Assert.Equal(expected.OrderBy(e => e.Key), actual.OrderBy(e => e.Key));
        }
    }
}
