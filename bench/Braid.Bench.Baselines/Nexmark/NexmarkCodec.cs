using System.Buffers.Binary;
using System.Text;

namespace Braid.Bench.Baselines.Nexmark;

/// <summary>
/// A compact binary encoding of the Nexmark records (big-endian longs, length-prefixed UTF-8 strings), the same code
/// behind Braid's serdes and Streamiz's, so both pay the same serialization cost.
/// </summary>
internal static class NexmarkCodec
{
    public static byte[] Long(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    public static long Long(ReadOnlySpan<byte> d) => BinaryPrimitives.ReadInt64BigEndian(d);

    public static byte[] Write(Person p) => new Writer(8 * 2 + Strings(p.Name, p.EmailAddress, p.CreditCard, p.City, p.State, p.Extra))
        .L(p.Id).S(p.Name).S(p.EmailAddress).S(p.CreditCard).S(p.City).S(p.State).L(p.DateTime).S(p.Extra).Bytes;

    public static Person ReadPerson(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new Person(r.L(d), r.S(d), r.S(d), r.S(d), r.S(d), r.S(d), r.L(d), r.S(d));
    }

    public static byte[] Write(Auction a) => new Writer(8 * 7 + Strings(a.ItemName, a.Description, a.Extra))
        .L(a.Id).S(a.ItemName).S(a.Description).L(a.InitialBid).L(a.Reserve).L(a.DateTime).L(a.Expires).L(a.Seller).L(a.Category).S(a.Extra).Bytes;

    public static Auction ReadAuction(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new Auction(r.L(d), r.S(d), r.S(d), r.L(d), r.L(d), r.L(d), r.L(d), r.L(d), r.L(d), r.S(d));
    }

    public static byte[] Write(Bid b) => new Writer(8 * 4 + Strings(b.Channel, b.Url, b.Extra))
        .L(b.Auction).L(b.Bidder).L(b.Price).S(b.Channel).S(b.Url).L(b.DateTime).S(b.Extra).Bytes;

    public static Bid ReadBid(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new Bid(r.L(d), r.L(d), r.L(d), r.S(d), r.S(d), r.L(d), r.S(d));
    }

    public static byte[] Write(AuctionBid x) => new Writer(8 * 5).L(x.AuctionId).L(x.Category).L(x.Price).L(x.BidTime).L(x.Bidder).Bytes;

    public static AuctionBid ReadAuctionBid(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new AuctionBid(r.L(d), r.L(d), r.L(d), r.L(d), r.L(d));
    }

    public static byte[] Write(AuctionCount x) => new Writer(16).L(x.AuctionId).L(x.Count).Bytes;

    public static AuctionCount ReadAuctionCount(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new AuctionCount(r.L(d), r.L(d));
    }

    public static byte[] Write(SumCount x) => new Writer(16).L(x.Sum).L(x.Count).Bytes;

    public static SumCount ReadSumCount(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new SumCount(r.L(d), r.L(d));
    }

    public static byte[] Write(SellerAuction x) => new Writer(8 + Strings(x.Name, x.City, x.State)).S(x.Name).S(x.City).S(x.State).L(x.AuctionId).Bytes;

    public static SellerAuction ReadSellerAuction(ReadOnlySpan<byte> d)
    {
        var r = new Reader();
        return new SellerAuction(r.S(d), r.S(d), r.S(d), r.L(d));
    }

    /// <summary>Serializes a generated event's key and value (the input topics' bytes).</summary>
    public static (byte[] Key, byte[] Value) Serialize(long key, object value) => (Long(key), value switch
    {
        Person p => Write(p),
        Auction a => Write(a),
        Bid b => Write(b),
        _ => throw new ArgumentException($"not a Nexmark input record: {value.GetType().Name}"),
    });

    private static int Strings(params ReadOnlySpan<string> s)
    {
        int n = 0;
        foreach (var x in s) n += 4 + Encoding.UTF8.GetByteCount(x);
        return n;
    }

    private struct Writer(int size)
    {
        public readonly byte[] Bytes = new byte[size];
        private int _at;

        public Writer L(long v)
        {
            BinaryPrimitives.WriteInt64BigEndian(Bytes.AsSpan(_at), v);
            _at += 8;
            return this;
        }

        public Writer S(string s)
        {
            int n = Encoding.UTF8.GetBytes(s, Bytes.AsSpan(_at + 4));
            BinaryPrimitives.WriteInt32BigEndian(Bytes.AsSpan(_at), n);
            _at += 4 + n;
            return this;
        }
    }

    /// <summary>A cursor over the data (the span is passed to each call: a ref struct field would need C# ref fields here).</summary>
    private struct Reader
    {
        private int _at;

        public long L(ReadOnlySpan<byte> d)
        {
            long v = BinaryPrimitives.ReadInt64BigEndian(d[_at..]);
            _at += 8;
            return v;
        }

        public string S(ReadOnlySpan<byte> d)
        {
            int n = BinaryPrimitives.ReadInt32BigEndian(d[_at..]);
            var s = Encoding.UTF8.GetString(d.Slice(_at + 4, n));
            _at += 4 + n;
            return s;
        }
    }
}
