namespace Braid.Bench.Baselines.Nexmark;

/// <summary>
/// The Nexmark queries of <see cref="NexmarkSpec"/> hand-written on dictionaries, one event at a time, no serdes:
/// the "plain" row (the limit) and the reference every other implementation's final results are compared with.
/// </summary>
internal abstract class NexmarkPlain
{
    /// <summary>Last value per result key.</summary>
    public Dictionary<(long, long), object> Results { get; } = new();

    /// <summary>Outputs emitted (each change of a result).</summary>
    public long Outputs { get; private set; }

    public static NexmarkPlain Create(Workload query) => query switch
    {
        Workload.NexmarkQ3 => new Q3(),
        Workload.NexmarkQ4 => new Q4(),
        Workload.NexmarkQ5 => new Q5(),
        Workload.NexmarkQ7 => new Q7(),
        Workload.NexmarkQ8 => new Q8(),
        Workload.NexmarkQ9 => new Q9(),
        _ => throw new ArgumentException($"not a Nexmark query: {query}"),
    };

    /// <summary>The reference results of a query over the events.</summary>
    public static NexmarkPlain Run(Workload query, NexmarkEvent[] events)
    {
        var q = Create(query);
        foreach (var e in events) q.Process(e);
        return q;
    }

    public abstract void Process(NexmarkEvent e);

    protected void Emit((long, long) key, object value)
    {
        Results[key] = value;
        Outputs++;
    }

    private sealed class Q3 : NexmarkPlain
    {
        private readonly Dictionary<long, Person> _persons = new();
        private readonly Dictionary<long, List<long>> _auctionsBySeller = new();

        public override void Process(NexmarkEvent e)
        {
            if (e.Person is { } p && NexmarkSpec.Q3Person(p))
            {
                _persons[p.Id] = p;
                if (_auctionsBySeller.TryGetValue(p.Id, out var ids))
                    foreach (var id in ids) Emit((id, 0), new SellerAuction(p.Name, p.City, p.State, id));
            }
            else if (e.Auction is { Category: NexmarkSpec.Q3Category } a)
            {
                if (!_auctionsBySeller.TryGetValue(a.Seller, out var ids)) _auctionsBySeller[a.Seller] = ids = new List<long>();
                ids.Add(a.Id);
                if (_persons.TryGetValue(a.Seller, out var seller)) Emit((a.Id, 0), new SellerAuction(seller.Name, seller.City, seller.State, a.Id));
            }
        }
    }

    private sealed class Q8 : NexmarkPlain
    {
        private readonly Dictionary<(long, long), string> _persons = new();
        private readonly HashSet<(long, long)> _sellers = new();

        public override void Process(NexmarkEvent e)
        {
            if (e.Person is { } p)
            {
                var key = (p.Id, NexmarkSpec.Tumble(p.DateTime));
                _persons[key] = p.Name;
                if (_sellers.Contains(key)) Emit(key, p.Name);
            }
            else if (e.Auction is { } a)
            {
                var key = (a.Seller, NexmarkSpec.Tumble(a.DateTime));
                _sellers.Add(key);
                if (_persons.TryGetValue(key, out var name)) Emit(key, name);
            }
        }
    }

    /// <summary>q9, and the base of q4: auctions kept for the longest auction's lifetime, bids matched against them.</summary>
    private class Q9 : NexmarkPlain
    {
        private readonly Dictionary<long, Auction> _auctions = new();
        private readonly Dictionary<long, AuctionBid> _best = new();

        public override void Process(NexmarkEvent e)
        {
            if (e.Auction is { } a) _auctions[a.Id] = a;
            else if (e.Bid is { } b && _auctions.TryGetValue(b.Auction, out var auction) && NexmarkSpec.ValidBid(auction, b) is { } valid)
            {
                var old = _best.GetValueOrDefault(b.Auction);
                var best = old is null ? valid : NexmarkSpec.Better(old, valid);
                if (ReferenceEquals(best, old)) return;
                _best[b.Auction] = best;
                Changed(old, best);
            }
        }

        protected virtual void Changed(AuctionBid? old, AuctionBid best) => Emit((best.AuctionId, 0), best);
    }

    private sealed class Q4 : Q9
    {
        private readonly Dictionary<long, SumCount> _categories = new();

        protected override void Changed(AuctionBid? old, AuctionBid best)
        {
            var s = _categories.GetValueOrDefault(best.Category, new SumCount(0, 0));
            if (old is not null) s = NexmarkSpec.Subtract(s, old.Price);
            _categories[best.Category] = s = NexmarkSpec.Add(s, best.Price);
            Emit((best.Category, 0), s);
        }
    }

    private sealed class Q5 : NexmarkPlain
    {
        private readonly Dictionary<(long, long), long> _counts = new();
        private readonly Dictionary<long, AuctionCount> _hottest = new();

        public override void Process(NexmarkEvent e)
        {
            if (e.Bid is not { } b) return;
            for (long start = b.DateTime - b.DateTime % NexmarkSpec.HopMs; start > b.DateTime - NexmarkSpec.WindowMs && start >= 0; start -= NexmarkSpec.HopMs)
            {
                var key = (start, b.Auction);
                long c = _counts[key] = _counts.GetValueOrDefault(key) + 1;
                var candidate = new AuctionCount(b.Auction, c);
                var best = _hottest.TryGetValue(start, out var old) ? NexmarkSpec.Hotter(old, candidate) : candidate;
                _hottest[start] = best;
                Emit((start, 0), best);
            }
        }
    }

    private sealed class Q7 : NexmarkPlain
    {
        private readonly Dictionary<long, Bid> _highest = new();

        public override void Process(NexmarkEvent e)
        {
            if (e.Bid is not { } b) return;
            long start = NexmarkSpec.Tumble(b.DateTime);
            var best = _highest.TryGetValue(start, out var old) ? NexmarkSpec.Higher(old, b) : b;
            _highest[start] = best;
            Emit((start, 0), best);
        }
    }
}
