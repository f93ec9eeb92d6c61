using Braid.Bench.Baselines;
using Braid.Bench.Baselines.Nexmark;
using Braid.Serialization;

namespace Braid.Bench.Nexmark;

/// <summary>Collects a query's outputs: a count (throughput) and the last value per result key (the check).</summary>
internal sealed class NexmarkSink
{
    public readonly Dictionary<(long, long), object> Results = new();
    public long Outputs;

    public void Put((long, long) key, object? value)
    {
        Outputs++;
        if (value is null) Results.Remove(key);
        else Results[key] = value;
    }
}

/// <summary>
/// The Nexmark queries of <see cref="NexmarkSpec"/> in the Braid DSL. Inputs: topics person (key person id), auction
/// (key auction id) and bid (key auction id), values in <see cref="NexmarkCodec"/>'s encoding. Every repartition and
/// store uses the same codec.
/// </summary>
internal static class NexmarkQueries
{
    public const string Persons = "person", Auctions = "auction", Bids = "bid";

    /// <summary>The queries Streamiz 1.8.2's DSL runs too (bench/Braid.Bench.Baselines/StreamizNexmark.cs).</summary>
    public static readonly Workload[] OnStreamiz = [Workload.NexmarkQ3, Workload.NexmarkQ5, Workload.NexmarkQ8];

    public static bool IsNexmark(Workload w) => WorkloadNames.Nexmark.Contains(w);

    private static readonly Serde<Person> PersonSerde = new CodecSerde<Person>(NexmarkCodec.Write, NexmarkCodec.ReadPerson);
    private static readonly Serde<Auction> AuctionSerde = new CodecSerde<Auction>(NexmarkCodec.Write, NexmarkCodec.ReadAuction);
    private static readonly Serde<Bid> BidSerde = new CodecSerde<Bid>(NexmarkCodec.Write, NexmarkCodec.ReadBid);
    private static readonly Serde<AuctionBid> AuctionBidSerde = new CodecSerde<AuctionBid>(NexmarkCodec.Write, NexmarkCodec.ReadAuctionBid);
    private static readonly Serde<AuctionCount> AuctionCountSerde = new CodecSerde<AuctionCount>(NexmarkCodec.Write, NexmarkCodec.ReadAuctionCount);
    private static readonly Serde<SumCount> SumCountSerde = new CodecSerde<SumCount>(NexmarkCodec.Write, NexmarkCodec.ReadSumCount);

    /// <summary>Whether the query reads the topic (events of other topics are not fed to it, as a source filtering by type).</summary>
    public static bool Reads(Workload q, string topic) => q switch
    {
        Workload.NexmarkQ3 or Workload.NexmarkQ8 => topic is Persons or Auctions,
        Workload.NexmarkQ4 or Workload.NexmarkQ9 => topic is Auctions or Bids,
        _ => topic is Bids,
    };

    public static string TopicOf(NexmarkEvent e) => e.Person is not null ? Persons : e.Auction is not null ? Auctions : Bids;

    public static Topology Build(Workload q, NexmarkSink sink)
    {
        var b = new StreamsBuilder();
        switch (q)
        {
            case Workload.NexmarkQ3:
                {
                    var persons = PersonStream(b).Filter((_, p) => NexmarkSpec.Q3Person(p!));
                    var auctions = AuctionStream(b).Filter((_, a) => a!.Category == NexmarkSpec.Q3Category).SelectKey((_, a) => a!.Seller);
                    persons.Join(auctions, (p, a) => new SellerAuction(p.Name, p.City, p.State, a.Id),
                            JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(NexmarkSpec.UnboundedMs)))
                        .Foreach((_, v) => sink.Put((v!.AuctionId, 0), v));
                    break;
                }
            case Workload.NexmarkQ8:
                {
                    var auctions = AuctionStream(b).SelectKey((_, a) => a!.Seller);
                    PersonStream(b)
                        .Join(auctions, (p, a) => NexmarkSpec.Tumble(p.DateTime) == NexmarkSpec.Tumble(a.DateTime) ? p : null,
                            JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(NexmarkSpec.WindowMs)))
                        .Filter((_, p) => p is not null)
                        .Foreach((id, p) => sink.Put((id, NexmarkSpec.Tumble(p!.DateTime)), p.Name));
                    break;
                }
            case Workload.NexmarkQ9:
                WinningBids(b).ToStream().Foreach((id, w) => sink.Put((id, 0), w));
                break;
            case Workload.NexmarkQ4:
                WinningBids(b)
                    .GroupBy((_, w) => KeyValue.Pair(w.Category, w.Price), new Grouped<long, long> { KeySerde = Serdes.Int64, ValueSerde = Serdes.Int64 })
                    .Aggregate(() => new SumCount(0, 0), (_, price, s) => NexmarkSpec.Add(s, price), (_, price, s) => NexmarkSpec.Subtract(s, price),
                        Materialized.With(Serdes.Int64, SumCountSerde))
                    .ToStream().Foreach((category, s) => sink.Put((category, 0), s));
                break;
            case Workload.NexmarkQ5:
                BidStream(b).GroupByKey()
                    .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(NexmarkSpec.WindowMs)).AdvanceBy(TimeSpan.FromMilliseconds(NexmarkSpec.HopMs)))
                    .Count(Materialized.With(Serdes.Int64, Serdes.Int64))
                    .ToStream()
                    .Map((w, c) => KeyValue.Pair(w.Window.Start, new AuctionCount(w.Key, c)))
                    .GroupByKey(new Grouped<long, AuctionCount> { KeySerde = Serdes.Int64, ValueSerde = AuctionCountSerde })
                    .Reduce(NexmarkSpec.Hotter, Materialized.With(Serdes.Int64, AuctionCountSerde))
                    .ToStream().Foreach((start, c) => sink.Put((start, 0), c));
                break;
            case Workload.NexmarkQ7:
                BidStream(b).GroupBy((_, _) => 0L, new Grouped<long, Bid> { KeySerde = Serdes.Int64, ValueSerde = BidSerde })
                    .WindowedBy(TimeWindows.OfSizeWithNoGrace(TimeSpan.FromMilliseconds(NexmarkSpec.WindowMs)))
                    .Reduce(NexmarkSpec.Higher, Materialized.With(Serdes.Int64, BidSerde))
                    .ToStream().Foreach((w, bid) => sink.Put((w.Window.Start, 0), bid));
                break;
            default:
                throw new ArgumentException($"not a Nexmark query: {q}");
        }
        return b.Build();
    }

    /// <summary>q9: auctions ⋈ bids (window = the longest auction), valid bids only, the best per auction.</summary>
    private static KTable<long, AuctionBid> WinningBids(StreamsBuilder b) =>
        AuctionStream(b)
            .Join(BidStream(b), NexmarkSpec.ValidBid, JoinWindows.OfTimeDifferenceWithNoGrace(TimeSpan.FromMilliseconds(NexmarkGenerator.MaxAuctionLengthMs)))
            .Filter((_, w) => w is not null)
            .MapValues(w => w!)
            .GroupByKey(new Grouped<long, AuctionBid> { KeySerde = Serdes.Int64, ValueSerde = AuctionBidSerde })
            .Reduce(NexmarkSpec.Better, Materialized.With(Serdes.Int64, AuctionBidSerde));

    private static KStream<long, Person> PersonStream(StreamsBuilder b) => b.Stream(Persons, Consumed.With(Serdes.Int64, PersonSerde));

    private static KStream<long, Auction> AuctionStream(StreamsBuilder b) => b.Stream(Auctions, Consumed.With(Serdes.Int64, AuctionSerde));

    private static KStream<long, Bid> BidStream(StreamsBuilder b) => b.Stream(Bids, Consumed.With(Serdes.Int64, BidSerde));

    /// <summary>A serde over <see cref="NexmarkCodec"/>.</summary>
    private sealed class CodecSerde<T>(Func<T, byte[]> write, CodecSerde<T>.Reader read) : Serde<T>
    {
        public delegate T Reader(ReadOnlySpan<byte> data);

        public override byte[] Serialize(T value) => write(value);

        public override T Deserialize(ReadOnlySpan<byte> data) => read(data);
    }
}
