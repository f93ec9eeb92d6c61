using Braid.Samples.ProductViews;
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
}
