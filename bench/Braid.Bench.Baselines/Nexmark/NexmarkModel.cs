namespace Braid.Bench.Baselines.Nexmark;

/// <summary>A new person (Nexmark): keyed by <see cref="Id"/>.</summary>
internal sealed record Person(long Id, string Name, string EmailAddress, string CreditCard, string City, string State, long DateTime, string Extra);

/// <summary>A new auction (Nexmark): keyed by <see cref="Id"/>; open from <see cref="DateTime"/> to <see cref="Expires"/>.</summary>
internal sealed record Auction(long Id, string ItemName, string Description, long InitialBid, long Reserve, long DateTime, long Expires,
    long Seller, long Category, string Extra);

/// <summary>A bid on an auction (Nexmark): keyed by <see cref="Auction"/>.</summary>
internal sealed record Bid(long Auction, long Bidder, long Price, string Channel, string Url, long DateTime, string Extra);

/// <summary>A bid joined with the auction it bids on (q4, q9).</summary>
internal sealed record AuctionBid(long AuctionId, long Category, long Price, long BidTime, long Bidder);

/// <summary>q5: an auction's bid count in one window.</summary>
internal sealed record AuctionCount(long AuctionId, long Count);

/// <summary>q4: running sum and count of closing prices in a category.</summary>
internal sealed record SumCount(long Sum, long Count);

/// <summary>q3: a seller in OR/ID/CA with an auction in category 10.</summary>
internal sealed record SellerAuction(string Name, string City, string State, long AuctionId);

/// <summary>
/// One generated event: exactly one of the three is set. <see cref="Timestamp"/> is the event time (ms); the
/// bytes are the serialized key and value, made before timing.
/// </summary>
internal sealed record NexmarkEvent(long Timestamp, Person? Person, Auction? Auction, Bid? Bid, byte[] KeyBytes, byte[] ValueBytes)
{
    public long Key => Person?.Id ?? Auction?.Id ?? Bid!.Auction;
}
