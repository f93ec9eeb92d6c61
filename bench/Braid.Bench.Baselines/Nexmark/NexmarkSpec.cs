namespace Braid.Bench.Baselines.Nexmark;

/// <summary>
/// What each Nexmark query computes, shared by every implementation (Braid, Streamiz, plain C#). Each query's
/// result is a map from a key to its final value after the last event; implementations count every output they emit
/// (throughput) and keep the last value per key (the check against plain C#).
/// <list type="bullet">
/// <item><b>q3</b> local item suggestion: persons in OR, ID or CA ⋈ auctions in category 10 on seller = person id,
/// both inputs unbounded (a join window longer than any run). Key auction id → (name, city, state, auction).</item>
/// <item><b>q4</b> average closing price per category: each auction's winning bid (q9) grouped by category, sum and
/// count with retraction when an auction's winning bid changes. Key category → (sum, count).</item>
/// <item><b>q5</b> hot items: bids per auction in hopping windows (10 s, advance 2 s); per window the auction with
/// the most bids (ties: the smaller auction id). Key window start → (auction, count).</item>
/// <item><b>q7</b> highest bid per tumbling 10 s window (ties: earlier bid, then smaller auction, then bidder).
/// Key window start → bid.</item>
/// <item><b>q8</b> new users: persons ⋈ auctions on seller = person id where both fall in the same 10 s tumbling
/// window. Key (person, window start) → name.</item>
/// <item><b>q9</b> winning bids: auctions ⋈ bids on auction id, a bid counts if it falls within [auction time,
/// expires] and meets the reserve; the highest (ties: earlier, then smaller bidder). Key auction → winning bid.</item>
/// </list>
/// q4 and q9 report the state at the end of the input (every auction's best valid bid so far), which for a closed
/// auction is its winning bid; Nexmark's streaming q4/q9 emit the same values once each auction closes.
/// </summary>
internal static class NexmarkSpec
{
    public const long WindowMs = 10_000, HopMs = 2_000, Q3Category = 10;
    /// <summary>q3's join window: longer than any run (1M events are 100 s of event time), so the join is unbounded.</summary>
    public const long UnboundedMs = 24 * 3600 * 1000L;
    public static readonly string[] Q3States = ["OR", "ID", "CA"];

    public static bool Q3Person(Person p) => Array.IndexOf(Q3States, p.State) >= 0;

    public static long Tumble(long ts) => ts - ts % WindowMs;

    /// <summary>The q4/q9 bid filter: inside the auction's lifetime and at or above its reserve; else null.</summary>
    public static AuctionBid? ValidBid(Auction a, Bid b) =>
        b.DateTime >= a.DateTime && b.DateTime <= a.Expires && b.Price >= a.Reserve
            ? new AuctionBid(a.Id, a.Category, b.Price, b.DateTime, b.Bidder)
            : null;

    /// <summary>q9's order: higher price, then earlier bid, then smaller bidder.</summary>
    public static AuctionBid Better(AuctionBid x, AuctionBid y) =>
        y.Price > x.Price || (y.Price == x.Price && (y.BidTime < x.BidTime || (y.BidTime == x.BidTime && y.Bidder < x.Bidder))) ? y : x;

    /// <summary>q5's order: more bids, then the smaller auction id.</summary>
    public static AuctionCount Hotter(AuctionCount x, AuctionCount y) =>
        y.Count > x.Count || (y.Count == x.Count && y.AuctionId < x.AuctionId) ? y : x;

    /// <summary>q7's order: higher price, then earlier, then smaller auction, then smaller bidder.</summary>
    public static Bid Higher(Bid x, Bid y) =>
        y.Price > x.Price || (y.Price == x.Price && (y.DateTime < x.DateTime || (y.DateTime == x.DateTime
            && (y.Auction < x.Auction || (y.Auction == x.Auction && y.Bidder < x.Bidder))))) ? y : x;

    public static SumCount Add(SumCount s, long price) => new(s.Sum + price, s.Count + 1);

    public static SumCount Subtract(SumCount s, long price) => new(s.Sum - price, s.Count - 1);

    /// <summary>Compares an implementation's final results with the plain reference; null when equal, else the first difference.</summary>
    public static string? Diff(IReadOnlyDictionary<(long, long), object> expected, IReadOnlyDictionary<(long, long), object> actual)
    {
        foreach (var (k, v) in expected)
            if (!actual.TryGetValue(k, out var a) || !Equals(a, v)) return $"key {k}: expected {v}, got {a?.ToString() ?? "nothing"}";
        foreach (var (k, a) in actual)
            if (!expected.ContainsKey(k)) return $"key {k}: expected nothing, got {a}";
        return null;
    }
}
