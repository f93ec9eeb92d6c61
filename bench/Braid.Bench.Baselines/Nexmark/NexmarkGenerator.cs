using System.Globalization;

namespace Braid.Bench.Baselines.Nexmark;

/// <summary>
/// The Nexmark event generator, written from the rules of nexmark/nexmark's GeneratorConfig, NexmarkGenerator and
/// model generators (Java, v0.2) and feldera's crates/nexmark (Rust): the same event mix, id and time rules and
/// default configuration; our own code.
/// <list type="bullet">
/// <item><b>Mix.</b> Event number n: in each epoch of 50 events (person 1 : auction 3 : bid 46), offset n % 50 = 0 is
/// a person, 1–3 an auction, 4–49 a bid.</item>
/// <item><b>Ids.</b> Person and auction ids are dense from 1000 (the last one created by event n: epoch × proportion +
/// offset). A new auction's seller is, 3 times in 4, the first of the latest batch of 100 persons (a hot seller),
/// else a random one of the last 1,000 active persons plus 10 "lead" ids not created yet (so an auction can precede
/// its seller). A bid's auction is, 1 time in 2, the first of the latest batch of 100 auctions (a hot auction), else
/// one of the last 100 in-flight auctions; its bidder is, 3 times in 4, the second of the latest batch of 100
/// persons, else a random active person. Category = 10 + uniform(5).</item>
/// <item><b>Time.</b> Event n happens at base + n × 100 µs (10,000 events/s; Java's default rate), in order. An
/// auction lasts 1 + uniform(2 × horizon) ms, horizon = time until the 100th auction from now (≈167 ms).</item>
/// <item><b>Values.</b> Prices are round(10^(6u) × 100) cents; strings, names, cities, states (AZ, CA, ID, OR, WA,
/// WY), channels and an "extra" padding field that brings the average record to 200 / 500 / 100 bytes.</item>
/// <item><b>Determinism.</b> Each event draws from its own random stream seeded by (seed, n), as the Java generator
/// seeds a Random per event id, so event n does not depend on which events were generated before it.</item>
/// </list>
/// </summary>
internal static class NexmarkGenerator
{
    public const int PersonProportion = 1, AuctionProportion = 3, BidProportion = 46;
    public const int TotalProportion = PersonProportion + AuctionProportion + BidProportion;
    public const long FirstPersonId = 1000, FirstAuctionId = 1000, FirstCategoryId = 10, NumCategories = 5;
    private const int NumActivePeople = 1000, NumInFlightAuctions = 100, PersonIdLead = 10;
    private const int HotAuctionRatio = 2, HotSellersRatio = 4, HotBiddersRatio = 4, HotBatch = 100, HotChannelsRatio = 100;
    private const int AvgPersonBytes = 200, AvgAuctionBytes = 500, AvgBidBytes = 100;
    public const double InterEventDelayUs = 1_000_000.0 / 10_000;
    public const long BaseTime = Dataset.T0;

    /// <summary>The longest auction: twice the horizon of <see cref="NumInFlightAuctions"/> auctions, plus rounding.</summary>
    public static readonly long MaxAuctionLengthMs = 2 * (TimestampForEvent(EventsForAuctions) - BaseTime + 1) + 1;

    private const long EventsForAuctions = (long)NumInFlightAuctions * TotalProportion / AuctionProportion;
    private static readonly string[] States = ["AZ", "CA", "ID", "OR", "WA", "WY"];
    private static readonly string[] Cities = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
    private static readonly string[] FirstNames = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
    private static readonly string[] LastNames = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];
    private static readonly string[] HotChannels = ["Google", "Facebook", "Baidu", "Apple"];

    public static long TimestampForEvent(long n) => BaseTime + (long)(InterEventDelayUs * n) / 1000;

    /// <summary>Events 0 .. count-1 (serialized with <paramref name="serialize"/> before timing).</summary>
    public static NexmarkEvent[] Generate(int count, long seed, Func<long, object, (byte[] Key, byte[] Value)> serialize)
    {
        var events = new NexmarkEvent[count];
        for (int n = 0; n < count; n++)
        {
            var rng = new Rng(seed, n);
            long ts = TimestampForEvent(n);
            long offset = n % TotalProportion;
            object value = offset < PersonProportion ? NextPerson(ref rng, n, ts)
                : offset < PersonProportion + AuctionProportion ? NextAuction(ref rng, n, ts)
                : NextBid(ref rng, n, ts);
            long key = value switch { Person p => p.Id, Auction a => a.Id, _ => ((Bid)value).Auction };
            var (kb, vb) = serialize(key, value);
            events[n] = new NexmarkEvent(ts, value as Person, value as Auction, value as Bid, kb, vb);
        }
        return events;
    }

    private static Person NextPerson(ref Rng rng, long n, long ts)
    {
        long id = LastBase0PersonId(n) + FirstPersonId;
        string name = FirstNames[rng.Next(FirstNames.Length)] + " " + LastNames[rng.Next(LastNames.Length)];
        string email = NextString(ref rng, 7) + "@" + NextString(ref rng, 5) + ".com";
        string card = string.Create(CultureInfo.InvariantCulture, $"{rng.Next(10_000):D4} {rng.Next(10_000):D4} {rng.Next(10_000):D4} {rng.Next(10_000):D4}");
        string city = Cities[rng.Next(Cities.Length)], state = States[rng.Next(States.Length)];
        int size = 8 + name.Length + email.Length + card.Length + city.Length + state.Length;
        return new Person(id, name, email, card, city, state, ts, NextExtra(ref rng, size, AvgPersonBytes));
    }

    private static Auction NextAuction(ref Rng rng, long n, long ts)
    {
        long id = LastBase0AuctionId(n) + FirstAuctionId;
        long seller = (rng.Next(HotSellersRatio) > 0 ? LastBase0PersonId(n) / HotBatch * HotBatch : NextBase0PersonId(ref rng, n)) + FirstPersonId;
        long category = FirstCategoryId + rng.Next((int)NumCategories);
        long initialBid = NextPrice(ref rng);
        long horizon = TimestampForEvent(n + EventsForAuctions) - ts;
        long length = 1 + rng.Next((int)Math.Max(horizon * 2, 1));
        string item = NextString(ref rng, 20), description = NextString(ref rng, 100);
        long reserve = initialBid + NextPrice(ref rng);
        int size = 8 + item.Length + description.Length + 8 * 3 + 8 * 2;
        return new Auction(id, item, description, initialBid, reserve, ts, ts + length, seller, category, NextExtra(ref rng, size, AvgAuctionBytes));
    }

    private static Bid NextBid(ref Rng rng, long n, long ts)
    {
        long auction = (rng.Next(HotAuctionRatio) > 0 ? LastBase0AuctionId(n) / HotBatch * HotBatch : NextBase0AuctionId(ref rng, n)) + FirstAuctionId;
        long bidder = (rng.Next(HotBiddersRatio) > 0 ? LastBase0PersonId(n) / HotBatch * HotBatch + 1 : NextBase0PersonId(ref rng, n)) + FirstPersonId;
        long price = NextPrice(ref rng);
        int channelNumber = rng.Next(10_000);
        string channel, url;
        if (rng.Next(HotChannelsRatio) == HotChannelsRatio - 1)
        {
            channel = "channel-" + channelNumber.ToString(CultureInfo.InvariantCulture);
            url = "https://www.nexmark.com/" + NextString(ref rng, 5) + "/item.htm?query=1&channel_id=" + channelNumber.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            int hot = rng.Next(HotChannels.Length);
            channel = HotChannels[hot];
            url = "https://www.nexmark.com/" + HotChannels[hot].ToLowerInvariant() + "/item.htm?query=1";
        }
        return new Bid(auction, bidder, price, channel, url, ts, NextExtra(ref rng, 8 * 4, AvgBidBytes));
    }

    /// <summary>The last person id (base 0) created at or before event n.</summary>
    public static long LastBase0PersonId(long n)
    {
        long epoch = n / TotalProportion, offset = n % TotalProportion;
        if (offset >= PersonProportion) offset = PersonProportion - 1;
        return epoch * PersonProportion + offset;
    }

    /// <summary>The last auction id (base 0) created at or before event n.</summary>
    public static long LastBase0AuctionId(long n)
    {
        long epoch = n / TotalProportion, offset = n % TotalProportion;
        if (offset < PersonProportion)
        {
            if (epoch == 0) return 0;
            epoch--;
            offset = AuctionProportion - 1;
        }
        else if (offset >= PersonProportion + AuctionProportion) offset = AuctionProportion - 1;
        else offset -= PersonProportion;
        return epoch * AuctionProportion + offset;
    }

    private static long NextBase0PersonId(ref Rng rng, long n)
    {
        long people = LastBase0PersonId(n) + 1;
        long active = Math.Min(people, NumActivePeople);
        return people - active + rng.Next((int)active + PersonIdLead);
    }

    private static long NextBase0AuctionId(ref Rng rng, long n)
    {
        long max = LastBase0AuctionId(n), min = Math.Max(0, max - NumInFlightAuctions);
        return min + rng.Next((int)(max - min + 1));
    }

    private static long NextPrice(ref Rng rng) => (long)Math.Round(Math.Pow(10.0, rng.NextDouble() * 6.0) * 100.0);

    /// <summary>3 to maxLength-1 characters: lower-case letters with an occasional space, trimmed.</summary>
    private static string NextString(ref Rng rng, int maxLength)
    {
        int len = 3 + rng.Next(maxLength - 3);
        Span<char> chars = stackalloc char[len];
        for (int i = 0; i < len; i++) chars[i] = rng.Next(13) == 0 ? ' ' : (char)('a' + rng.Next(26));
        return new string(chars).Trim();
    }

    /// <summary>Padding that brings a record of <paramref name="size"/> bytes to <paramref name="average"/> ± 20%.</summary>
    private static string NextExtra(ref Rng rng, int size, int average)
    {
        if (size > average) return "";
        int wanted = average - size, delta = (int)Math.Round(wanted * 0.2);
        int len = wanted - delta + (delta == 0 ? 0 : rng.Next(2 * delta));
        return string.Create(len, rng.NextULong(), static (span, bits) =>
        {
            for (int i = 0; i < span.Length; i++, bits = bits * 6364136223846793005UL + 1442695040888963407UL) span[i] = (char)('a' + (int)(bits >> 59) % 26);
        });
    }

    /// <summary>SplitMix64 seeded by (seed, event number): each event has its own stream.</summary>
    private struct Rng(long seed, long n)
    {
        private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)n * 0xD1B54A32D192ED03UL;

        public ulong NextULong()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Next(int bound) => (int)(NextULong() % (ulong)bound);

        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
    }
}
