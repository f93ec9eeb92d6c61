using Braid.Samples.TaxInvoices;

namespace Braid.Samples.Tests;

public sealed class TaxInvoicesDemoTests
{
    private readonly DemoScriptRun _run = DemoHarness.Run(TaxInvoicesDemo.Create()).Scripts.Single();

    [Fact]
    public void Invoices_CarryTheRateInForceAtTheSale_IncludingALateRateChange()
    {
        Assert.Equal(
        [
            "#3 invoices NL → S1: 100.00 × NL-1 (21%) = tax 21.00 @12:05:00",
            "#6 invoices NL → S2: 200.00 × NL-2 (9%) = tax 18.00 @12:20:00",
            "#7 invoices NL → S4: 10.00 × NL-1 (21%) = tax 2.10 @12:12:00",
            "#8 invoices NL → S3: 50.00 × NL-3 (19%) = tax 9.50 @12:35:00",
            "#9 invoices NL → S5: 80.00 × NL-3 (19%) = tax 15.20 @13:00:00",
        ], DemoHarness.Lines(_run).Where(l => l.Contains(" invoices ")));
    }

    [Fact]
    public void LatestRateOnly_AsACompactedTopicWouldLeave_TaxesLaterSalesWrongly()
    {
        Assert.Equal(
        [
            "#2 invoices-from-latest-rate NL → S1: 100.00 × NL-1 (21%) = tax 21.00 @12:05:00",
            "#3 invoices-from-latest-rate NL → S2: 200.00 × NL-1 (21%) = tax 42.00 @12:20:00",
            "#6 invoices-from-latest-rate NL → S3: 50.00 × NL-2 (9%) = tax 4.50 @12:35:00",
            "#7 invoices-from-latest-rate NL → S4: 10.00 × NL-2 (9%) = tax 0.90 @12:12:00",
            "#8 invoices-from-latest-rate NL → S5: 80.00 × NL-2 (9%) = tax 7.20 @13:00:00",
            "#9 invoices-from-latest-rate NL → S6: 1.00 × NL-2 (9%) = tax 0.09 @13:15:00",
        ], DemoHarness.Lines(_run).Where(l => l.Contains("invoices-from-latest-rate")));
    }
}
