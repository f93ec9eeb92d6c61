using Braid.Serialization;

namespace Braid.Samples.TaxInvoices;

/// <summary>A sale in a region (sales are keyed by sale id).</summary>
public sealed record Sale(string Region, decimal Amount);

/// <summary>A sale re-keyed by its region, keeping its id.</summary>
public sealed record RegionSale(string SaleId, Sale Sale);

/// <summary>A tax rate: every new rate gets its own id, which the invoice will name.</summary>
public sealed record TaxRate(string RateId, decimal Rate)
{
    public string Show() => $"{RateId} = {Rate * 100:0}%";
}

/// <summary>An invoice: the sale plus the rate in force at the sale's time.</summary>
public sealed record Invoice(string SaleId, string Region, decimal Amount, string RateId, decimal Rate, decimal Tax)
{
    public static Invoice Of(RegionSale s, TaxRate rate) =>
        new(s.SaleId, s.Sale.Region, s.Sale.Amount, rate.RateId, rate.Rate, s.Sale.Amount * rate.Rate);

    public string Show() => $"{SaleId}: {Amount:0.00} × {RateId} ({Rate * 100:0}%) = tax {Tax:0.00}";
}

/// <summary>
/// Tax-rate invoices: sales joined to a versioned tax-rate table, so each invoice carries the rate in force
/// at the sale's time even when a rate change arrives late.
/// </summary>
public static class TaxInvoicesDemo
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public static readonly DemoTopic<string, Sale> Sales = new("sales", Serdes.String, Serdes.Json<Sale>(), s => $"{s.Region} {s.Amount:0.00}");
    public static readonly DemoTopic<string, TaxRate> Rates = new("tax-rates", Serdes.String, Serdes.Json<TaxRate>(), r => r.Show());
    public static readonly DemoTopic<string, Invoice> Invoices = new("invoices", Serdes.String, Serdes.Json<Invoice>(), i => i.Show());
    public static readonly DemoTopic<string, Invoice> LatestOnly = new("invoices-from-latest-rate", Serdes.String, Serdes.Json<Invoice>(), i => i.Show());

    public static Topology Build()
    {
        var builder = new StreamsBuilder();
        var rates = builder.Stream(Rates.Name, Consumed.With(Rates.KeySerde, Rates.ValueSerde));

        // Every version of every rate, for a day: a sale looks up the rate valid at its own timestamp.
        var rateHistory = rates.ToTable(new Materialized<string, TaxRate> { StoreName = "tax-rate-history", VersionedHistoryRetention = TimeSpan.FromDays(1) });
        // For comparison, what a compacted topic leaves: only the latest rate per region.
        var latestRate = rates.ToTable(Materialized.As<string, TaxRate>("tax-rate-latest"));

        var salesByRegion = builder.Stream(Sales.Name, Consumed.With(Sales.KeySerde, Sales.ValueSerde))
            .Map((saleId, sale) => KeyValue.Pair(sale!.Region, new RegionSale(saleId!, sale)));

        // Grace holds each sale up to ten minutes of event time, so a rate change that arrives a little
        // late is still seen by the sales it applies to.
        salesByRegion
            .Join(rateHistory, Invoice.Of, new Joined<string, RegionSale, TaxRate> { GracePeriod = Grace })
            .To(Invoices.Name, Produced.With(Invoices.KeySerde, Invoices.ValueSerde));
        salesByRegion
            .Join(latestRate, Invoice.Of)
            .To(LatestOnly.Name, Produced.With(LatestOnly.KeySerde, LatestOnly.ValueSerde));
        return builder.Build();
    }

    public static Demo Create()
    {
        long t(int minute) => DemoClock.At(minute);
        DemoStep[] steps =
        [
            Rates.Record("NL", new TaxRate("NL-1", 0.21m), t(0)),
            Sales.Record("S1", new Sale("NL", 100m), t(5)),
            Sales.Record("S2", new Sale("NL", 200m), t(20)),
            Rates.Record("NL", new TaxRate("NL-3", 0.19m), t(30)),
            Rates.Record("NL", new TaxRate("NL-2", 0.09m), t(15), "late: NL-2 was in force from 12:15 to 12:30"),
            Sales.Record("S3", new Sale("NL", 50m), t(35)),
            Sales.Record("S4", new Sale("NL", 10m), t(12), "a sale reported late, beyond grace"),
            Sales.Record("S5", new Sale("NL", 80m), t(60)),
            Sales.Record("S6", new Sale("NL", 1m), t(75), "moves time on: S5 is released, S6 waits"),
        ];

        return new Demo(
            "tax-invoices",
            "Tax-rate invoices: a versioned table keeps every rate",
            """
            Tax rates change from time to time, and each invoice must carry the rate in force when the sale
            happened — even when the rate change is reported late. The tax-rates topic feeds a versioned table
            that keeps every version of every rate with the time it became valid; a sale is joined with the
            version valid at its own timestamp, and a grace period of ten minutes holds sales back so late
            rate changes are still seen. That is why tax-rates must keep its full history (cleanup.policy=delete
            with enough retention), while the order-status topic can be compacted: compaction keeps only the
            latest value per key. invoices-from-latest-rate shows what a compacted tax-rates topic would give —
            every sale gets whatever rate arrived last, so S2 to S6 are taxed at the wrong rate.
            """,
            [new DemoScript("sales ⋈ tax-rates (versioned, 10-minute grace) vs. latest rate only", Build, steps, [Invoices, LatestOnly],
                Retention: new Dictionary<string, TopicRetention> { [Rates.Name] = TopicRetention.FullHistory })]);
    }
}
