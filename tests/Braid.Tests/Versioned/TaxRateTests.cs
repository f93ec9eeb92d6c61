using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.Versioned;

/// <summary>
/// The study note's example: invoices joined to a versioned tax-rate table keyed by region. Rate changes
/// arrive late and out of order; every invoice must carry the rate that was valid at its sale time.
/// </summary>
public sealed class TaxRateTests
{
    public sealed record Invoice(string SaleId, string Region, decimal Amount);

    public sealed record TaxRate(decimal Rate);

    public sealed record TaxedInvoice(string SaleId, string Region, decimal Amount, decimal Rate, decimal Tax);

    private static long Min(int minutes) => minutes * 60_000L;

    private static (TopologyTestDriver Driver, TestInputTopic<string, Invoice> Invoices, TestInputTopic<string, TaxRate> Rates,
        TestOutputTopic<string, TaxedInvoice> Output) Build(TimeSpan? grace)
    {
        var b = new StreamsBuilder();
        var rates = b.Table("tax-rates", Consumed.With(Serdes.String, Serdes.Json<TaxRate>()),
            new Materialized<string, TaxRate> { StoreName = "rates", VersionedHistoryRetention = TimeSpan.FromDays(1) });
        b.Stream("invoices", Consumed.With(Serdes.String, Serdes.Json<Invoice>()))
            .SelectKey((_, inv) => inv!.Region)
            .Join(rates, (inv, rate) => new TaxedInvoice(inv.SaleId, inv.Region, inv.Amount, rate.Rate, inv.Amount * rate.Rate),
                new Joined<string, Invoice, TaxRate> { GracePeriod = grace })
            .To("taxed", Produced.With(Serdes.String, Serdes.Json<TaxedInvoice>()));
        var driver = new TopologyTestDriver(b.Build());
        return (driver,
            driver.CreateInputTopic("invoices", Serdes.String, Serdes.Json<Invoice>()),
            driver.CreateInputTopic("tax-rates", Serdes.String, Serdes.Json<TaxRate>()),
            driver.CreateOutputTopic("taxed", Serdes.String, Serdes.Json<TaxedInvoice>()));
    }

    [Fact]
    public void Invoices_CarryTheRateValidAtTheirSaleTime_WhenRateChangesArriveLateAndOutOfOrder()
    {
        var (driver, invoices, rates, output) = Build(grace: TimeSpan.FromMinutes(10));
        using var _ = driver;

        rates.PipeInput("NL", new TaxRate(0.21m), Min(0));
        rates.PipeInput("BE", new TaxRate(0.21m), Min(0));
        invoices.PipeInput("S1", new Invoice("S1", "NL", 100m), Min(5));   // held until buffer time passes 15
        invoices.PipeInput("S2", new Invoice("S2", "NL", 200m), Min(20));  // buffer time 20: S1 released (NL 21% at 5)
        rates.PipeInput("NL", new TaxRate(0.19m), Min(30));                // in order
        rates.PipeInput("NL", new TaxRate(0.09m), Min(15));                // late, out of order: NL was 9% from 15 to 30
        invoices.PipeInput("S3", new Invoice("S3", "NL", 50m), Min(35));   // buffer time 35: S2 released and sees the late 9%
        invoices.PipeInput("S4", new Invoice("S4", "BE", 300m), Min(40));  // buffer time 40: nothing due (S3 waits until 45)
        rates.PipeInput("BE", new TaxRate(0.06m), Min(38));                // late BE change, still in time for held S4
        invoices.PipeInput("S5", new Invoice("S5", "NL", 10m), Min(12));   // later than grace allows: joined at once, as of 12
        invoices.PipeInput("S6", new Invoice("S6", "NL", 1m), Min(100));   // buffer time 100: S3 and S4 released; S6 stays held

        var taxed = output.ReadRecordsToList();
        Assert.Equal(
        [
            new TestRecord<string, TaxedInvoice>("NL", new TaxedInvoice("S1", "NL", 100m, 0.21m, 21.00m), Min(5)),
            new TestRecord<string, TaxedInvoice>("NL", new TaxedInvoice("S2", "NL", 200m, 0.09m, 18.00m), Min(20)),
            new TestRecord<string, TaxedInvoice>("NL", new TaxedInvoice("S5", "NL", 10m, 0.21m, 2.10m), Min(12)),
            new TestRecord<string, TaxedInvoice>("NL", new TaxedInvoice("S3", "NL", 50m, 0.19m, 9.50m), Min(35)),
            new TestRecord<string, TaxedInvoice>("BE", new TaxedInvoice("S4", "BE", 300m, 0.06m, 18.00m), Min(40)),
        ], taxed.Select(r => r with { Headers = null }));
    }

    [Fact]
    public void WithoutGrace_AnInvoiceJoinsAtOnce_WithTheRateValidAtItsSaleTimeAsKnownThen()
    {
        var (driver, invoices, rates, output) = Build(grace: null);
        using var _ = driver;

        rates.PipeInput("NL", new TaxRate(0.21m), Min(0));
        rates.PipeInput("NL", new TaxRate(0.19m), Min(30));
        invoices.PipeInput("S1", new Invoice("S1", "NL", 100m), Min(40));  // after the change: 19%
        invoices.PipeInput("S2", new Invoice("S2", "NL", 200m), Min(20));  // late invoice: the rate of minute 20, 21%
        rates.PipeInput("NL", new TaxRate(0.09m), Min(15));                // late rate change: too late for S2
        invoices.PipeInput("S3", new Invoice("S3", "NL", 50m), Min(25));   // but a later invoice of minute 25 sees it

        Assert.Equal(
        [
            new TaxedInvoice("S1", "NL", 100m, 0.19m, 19.00m),
            new TaxedInvoice("S2", "NL", 200m, 0.21m, 42.00m),
            new TaxedInvoice("S3", "NL", 50m, 0.09m, 4.50m),
        ], output.ReadValuesToList());
    }
}
