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
    public void Search_clicks_sample_equals_the_DSL_demo_outcomes_and_click_through(string host)
    {
        // The outcomes (stream–stream FULL JOIN in a 5-minute window), every record in order; and the click-through
        // per URL and 10-minute window (impressions by UNNEST of the result URLs, clicks from the outcomes), which
        // both emit once per window when it closes: the final view holds exactly the demo's emitted windows.
        var script = SearchClicksDemo.Create().Scripts[0];
        var expected = SampleRuns.Dsl(script, SearchClicksDemo.Outcomes)
            .Select(r => (r.Key, r.Value!.Kind, r.Value.Keyword, r.Value.Url, r.Timestamp)).ToList();
        var expectedCtr = SampleRuns.Dsl(script, SearchClicksDemo.Ctr)
            .Select(r => (r.Key.Key, r.Key.Window.Start, r.Key.Window.End, r.Value!.Shown, r.Value.Clicked)).OrderBy(r => r).ToList();
        var (h, program) = SampleRuns.Run("search-clicks", host, "searches", "clicks");
        using (h)
        {
            var actual = h.Read(program.View("search_outcomes"))
                .Select(r => ((string)r.Key![0]!, (string)r.Value!["kind"]!, (string?)r.Value["keyword"], (string?)r.Value["url"], r.Timestamp)).ToList();
            Assert.Equal(6, expected.Count);
            Assert.Equal(expected, actual);
            var actualCtr = h.Store(program.View("click_through")).All()
                .Select(kv => kv.Value.Value)
                .Select(r => ((string)r["url"]!, (long)r["window_start"]!, (long)r["window_end"]!, (long)r["shown"]!, (long)r["clicked"]!))
                .OrderBy(r => r).ToList();
            Assert.Equal(4, expectedCtr.Count); // 12:00–12:10: a, b, p; 12:10–12:20: a (12:20 is still open)
            Assert.Equal(expectedCtr, actualCtr);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Delivery_orders_sample_equals_the_DSL_demo_including_the_removal(string host)
    {
        // The demo's last input is a tombstone on the event stream that deletes a finished order. The SQL stream
        // declares order_id as its KEY and the view groups by exactly it, so the tombstone deletes that group.
        // Compared: every change the view wrote to its topic (the demo's order-status changelog), and the final rows.
        var script = DeliveryOrdersDemo.Create().Scripts[0];
        var changes = SampleRuns.Dsl(script, DeliveryOrdersDemo.Status);
        var expected = new Dictionary<string, OrderStatus>();
        foreach (var (key, value, _) in changes)
            if (value is null) expected.Remove(key);
            else expected[key] = value;
        var (h, program) = SampleRuns.Run("delivery-orders", host, "order_events");
        using (h)
        {
            static OrderStatus Status(SqlRow r) => new((string)r["order_id"]!, (string)r["customer_id"]!, (string?)r["rider_id"], (string)r["status"]!, (long)r["time"]!);
            var view = program.View("order_status");
            var written = h.Read(view).Select(r => ((string)r.Key![0]!, r.Value is null ? null : Status(r.Value))).ToList();
            Assert.Equal(changes.Select(c => (c.Key, c.Value)), written);
            var actual = h.Store(view).All().ToDictionary(kv => (string)kv.Key[0]!, kv => Status(kv.Value.Value));
            Assert.Equal(["o2"], expected.Keys);
            Assert.Equal(expected.OrderBy(e => e.Key), actual.OrderBy(e => e.Key));
        }
    }
}
