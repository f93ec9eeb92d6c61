using Braid.Bench.Baselines.Nexmark;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Supplier;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

namespace Braid.Bench.Baselines;

/// <summary>
/// Nexmark q3, q5 and q8 (<see cref="NexmarkSpec"/>) in Streamiz.Kafka.Net 1.8.2's DSL, in its synchronous
/// TopologyTestDriver with RocksDB or in-memory stores, fed the same generated events and codec as Braid's rows.
/// Streamiz has no foreign-key join and no table aggregate with subtractor over a windowed join's result in a form
/// that gives q4/q9's results, so those run on Braid and plain C# only.
/// </summary>
internal sealed class StreamizNexmark(Workload query, bool inMemory, NexmarkEvent[] events)
{
    private readonly Workload _query = query;
    private readonly NexmarkEvent[] _events = events;

    private const string Persons = "person", Auctions = "auction", Bids = "bid";

    public Dictionary<(long, long), object> Results { get; private set; } = new();

    public IPreparedRun Prepare(int n) => new Run(this, n);

    private Topology Build(Dictionary<(long, long), object> results, long[] outputs)
    {
        var b = new StreamBuilder();
        void Put((long, long) k, object v)
        {
            outputs[0]++;
            results[k] = v;
        }
        switch (_query)
        {
            case Workload.NexmarkQ3:
                {
                    var persons = b.Stream<long, Person, LongKeySerDes, PersonSerDes>(Persons).Filter((_, p, _) => NexmarkSpec.Q3Person(p));
                    var auctions = b.Stream<long, Auction, LongKeySerDes, AuctionSerDes>(Auctions)
                        .Filter((_, a, _) => a.Category == NexmarkSpec.Q3Category)
                        .SelectKey((_, a, _) => a.Seller)
                        .Repartition(Repartitioned<long, Auction>.Create<LongKeySerDes, AuctionSerDes>());
                    persons.Join(auctions, (p, a) => new SellerAuction(p.Name, p.City, p.State, a.Id),
                            JoinWindowOptions.Of(TimeSpan.FromMilliseconds(NexmarkSpec.UnboundedMs), TimeSpan.Zero), Props<Person, Auction>("q3", NexmarkSpec.UnboundedMs))
                        .Foreach((_, v, _) => Put((v.AuctionId, 0), v));
                    break;
                }
            case Workload.NexmarkQ8:
                {
                    var auctions = b.Stream<long, Auction, LongKeySerDes, AuctionSerDes>(Auctions)
                        .SelectKey((_, a, _) => a.Seller)
                        .Repartition(Repartitioned<long, Auction>.Create<LongKeySerDes, AuctionSerDes>());
                    b.Stream<long, Person, LongKeySerDes, PersonSerDes>(Persons)
                        .Join(auctions, (p, a) => NexmarkSpec.Tumble(p.DateTime) == NexmarkSpec.Tumble(a.DateTime) ? p : null,
                            JoinWindowOptions.Of(TimeSpan.FromMilliseconds(NexmarkSpec.WindowMs), TimeSpan.Zero), Props<Person, Auction>("q8", NexmarkSpec.WindowMs))
                        .Filter((_, p, _) => p is not null)
                        .Foreach((id, p, _) => Put((id, NexmarkSpec.Tumble(p!.DateTime)), p.Name));
                    break;
                }
            case Workload.NexmarkQ5:
                {
                    var size = TimeSpan.FromMilliseconds(NexmarkSpec.WindowMs);
                    var counts = inMemory
                        ? InMemoryWindows.As<long, long, LongKeySerDes, Int64SerDes>("q5-counts", size)
                        : RocksDbWindows.As<long, long, LongKeySerDes, Int64SerDes>("q5-counts", null, size);
                    var hottest = inMemory
                        ? InMemory.As<long, AuctionCount, LongKeySerDes, AuctionCountSerDes>("q5-hottest")
                        : RocksDb.As<long, AuctionCount, LongKeySerDes, AuctionCountSerDes>("q5-hottest");
                    b.Stream<long, Bid, LongKeySerDes, BidSerDes>(Bids)
                        .GroupByKey()
                        .WindowedBy(HoppingWindowOptions.Of(NexmarkSpec.WindowMs, NexmarkSpec.HopMs, 0))
                        .Count(counts)
                        .ToStream()
                        .Map((w, c, _) => KeyValuePair.Create(w.Window.StartMs, new AuctionCount(w.Key, c)))
                        .GroupByKey<LongKeySerDes, AuctionCountSerDes>()
                        .Reduce(NexmarkSpec.Hotter, hottest)
                        .ToStream()
                        .Foreach((start, c, _) => Put((start, 0), c));
                    break;
                }
            default:
                throw new NotSupportedException($"{_query.Name()} does not run on Streamiz");
        }
        return b.Build();
    }

    /// <summary>Join stores as Streamiz derives them for a join of ±<paramref name="windowMs"/> (see StreamizBaseline), serdes from the inputs.</summary>
    private StreamJoinProps<long, TLeft, TRight> Props<TLeft, TRight>(string name, long windowMs)
    {
        var size = TimeSpan.FromMilliseconds(2 * windowMs);
        long segment = Math.Max(2 * windowMs, 60_000L);
        IWindowBytesStoreSupplier Store(string s) => inMemory
            ? Stores.InMemoryWindowStore(s, size, size, true)
            : Stores.PersistentWindowStore(s, size, size, segment, true);
        // The key and value serdes come from the two input streams (typed sources / the typed repartition).
        return StreamJoinProps.With<long, TLeft, TRight>(Store(name + "-left"), Store(name + "-right"));
    }

    private sealed class Run : IPreparedRun
    {
        private readonly StreamizNexmark _q;
        private readonly int _n;
        private readonly long[] _outputs = new long[1];
        private readonly string _stateDir;
        private readonly TopologyTestDriver _driver;
        private readonly Dictionary<string, TestInputTopic<byte[], byte[]>> _topics = new();

        public Run(StreamizNexmark q, int n)
        {
            (_q, _n) = (q, n);
            q.Results = new Dictionary<(long, long), object>();
            _stateDir = Path.Combine(Path.GetTempPath(), "braid-baselines-nexmark-" + Guid.NewGuid().ToString("N"));
            var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
            {
                ApplicationId = "braid-baselines-" + q._query.Name(), StateDir = _stateDir, Logger = NullLoggerFactory.Instance,
            };
            _driver = new TopologyTestDriver(q.Build(q.Results, _outputs), config, TopologyTestDriver.Mode.SYNC_TASK);
            string[] topics = q._query == Workload.NexmarkQ5 ? [Bids] : [Persons, Auctions];
            foreach (var t in topics) _topics[t] = _driver.CreateInputTopic<byte[], byte[]>(t);
        }

        public long Execute()
        {
            var events = _q._events;
            for (int i = 0; i < _n; i++)
            {
                var e = events[i];
                string topic = e.Person is not null ? Persons : e.Auction is not null ? Auctions : Bids;
                if (_topics.TryGetValue(topic, out var input))
                    input.PipeInput(e.KeyBytes, e.ValueBytes, DateTime.UnixEpoch.AddMilliseconds(e.Timestamp), null);
            }
            return _outputs[0];
        }

        public void Dispose()
        {
            _driver.Dispose();
            try { if (Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true); }
            catch (IOException) { /* best effort: a leftover temp dir must not fail the benchmark */ }
        }
    }
}

/// <summary>
/// Long keys in the inputs' encoding (big-endian, as Kafka's LongSerializer and Braid's Int64 serde); Streamiz's
/// Int64SerDes uses the machine's byte order, which would read the input keys as other numbers.
/// </summary>
internal sealed class LongKeySerDes : AbstractSerDes<long>
{
    public override byte[] Serialize(long data, SerializationContext context) => NexmarkCodec.Long(data);

    public override long Deserialize(byte[] data, SerializationContext context) => NexmarkCodec.Long(data);
}

/// <summary>Streamiz serdes over <see cref="NexmarkCodec"/> (the same bytes as Braid's).</summary>
internal sealed class PersonSerDes : AbstractSerDes<Person>
{
    public override byte[] Serialize(Person data, SerializationContext context) => NexmarkCodec.Write(data);

    public override Person Deserialize(byte[] data, SerializationContext context) => NexmarkCodec.ReadPerson(data);
}

internal sealed class AuctionSerDes : AbstractSerDes<Auction>
{
    public override byte[] Serialize(Auction data, SerializationContext context) => NexmarkCodec.Write(data);

    public override Auction Deserialize(byte[] data, SerializationContext context) => NexmarkCodec.ReadAuction(data);
}

internal sealed class BidSerDes : AbstractSerDes<Bid>
{
    public override byte[] Serialize(Bid data, SerializationContext context) => NexmarkCodec.Write(data);

    public override Bid Deserialize(byte[] data, SerializationContext context) => NexmarkCodec.ReadBid(data);
}

internal sealed class AuctionCountSerDes : AbstractSerDes<AuctionCount>
{
    public override byte[] Serialize(AuctionCount data, SerializationContext context) => NexmarkCodec.Write(data);

    public override AuctionCount Deserialize(byte[] data, SerializationContext context) => NexmarkCodec.ReadAuctionCount(data);
}
