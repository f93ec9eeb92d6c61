using Braid.Serialization;
using Braid.Testing;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// Many-to-many joins on non-key attributes: people (name → city) and shops (shop → city), joined on city.
/// Results are read from the output topic as a table keyed by the pair of keys.
/// </summary>
public sealed class ManyToManyJoinTests
{
    private sealed class Kit : IDisposable
    {
        private readonly TestInputTopic<string, string> _people;
        private readonly TestInputTopic<string, string> _shops;
        private readonly TestOutputTopic<JoinKey<string, string>, string> _out;

        public Kit(string kind)
        {
            var b = new StreamsBuilder();
            var strings = Consumed.With(Serdes.String, Serdes.String);
            var people = b.Table("people", strings);
            var shops = b.Table("shops", strings);
            var joined = kind switch
            {
                "inner" => people.Join(shops, (_, city) => city, (_, city) => city, (p, s) => $"{p}:{s}"),
                "left" => people.LeftJoin(shops, (_, city) => city, (_, city) => city, (p, s) => $"{p}:{s ?? "null"}"),
                _ => people.OuterJoin(shops, (_, city) => city, (_, city) => city, (p, s) => $"{p ?? "null"}:{s ?? "null"}"),
            };
            joined.ToStream().To("out");
            Driver = new TopologyTestDriver(b.Build());
            _people = Driver.CreateInputTopic<string, string>("people");
            _shops = Driver.CreateInputTopic<string, string>("shops");
            _out = Driver.CreateOutputTopic("out", JoinKey.Serde<string, string>(), Serdes.String);
        }

        public TopologyTestDriver Driver { get; }

        public SortedDictionary<string, string> Table { get; } = new(StringComparer.Ordinal);

        public void Person(string name, string? city, long ts) => _people.PipeInput(name, city, ts);

        public void Shop(string shop, string? city, long ts) => _shops.PipeInput(shop, city, ts);

        public string State()
        {
            foreach (var r in _out.ReadRecordsToList())
            {
                if (r.Value is null) Assert.True(Table.Remove(r.Key.ToString()), $"tombstone for absent {r.Key}");
                else Table[r.Key.ToString()] = r.Value;
            }
            return string.Join(" ", Table.Select(e => $"{e.Key}={e.Value}"));
        }

        public void Dispose() => Driver.Dispose();
    }

    [Fact]
    public void Join_EmitsEveryPair_AndMovesPairs_WhenAttributeChanges()
    {
        using var k = new Kit("inner");
        k.Person("ann", "oslo", 1);
        k.Person("bob", "oslo", 2);
        k.Shop("s1", "oslo", 3);
        k.Shop("s2", "rome", 4);
        Assert.Equal("(ann, s1)=oslo:oslo (bob, s1)=oslo:oslo", k.State());
        k.Person("bob", "rome", 5);
        Assert.Equal("(ann, s1)=oslo:oslo (bob, s2)=rome:rome", k.State());
        k.Shop("s1", null, 6);
        Assert.Equal("(bob, s2)=rome:rome", k.State());
        k.Shop("s2", "oslo", 7);
        Assert.Equal("(ann, s2)=oslo:oslo", k.State());
    }

    [Fact]
    public void LeftJoin_ShowsUnmatchedLeftRow_UntilFirstPartnerArrives_AndAfterLastLeaves()
    {
        using var k = new Kit("left");
        k.Person("ann", "oslo", 1);
        Assert.Equal("(ann, -)=oslo:null", k.State());
        k.Shop("s1", "oslo", 2);
        k.Shop("s2", "oslo", 3);
        Assert.Equal("(ann, s1)=oslo:oslo (ann, s2)=oslo:oslo", k.State());
        k.Shop("s1", "rome", 4);
        Assert.Equal("(ann, s2)=oslo:oslo", k.State());
        k.Shop("s2", null, 5);
        Assert.Equal("(ann, -)=oslo:null", k.State());
        k.Person("ann", null, 6);
        Assert.Equal("", k.State());
    }

    [Fact]
    public void OuterJoin_ShowsUnmatchedRowsOfBothSides()
    {
        using var k = new Kit("outer");
        k.Shop("s1", "oslo", 1);
        Assert.Equal("(-, s1)=null:oslo", k.State());
        k.Person("ann", "oslo", 2);
        Assert.Equal("(ann, s1)=oslo:oslo", k.State());
        k.Person("ann", "rome", 3);
        Assert.Equal("(-, s1)=null:oslo (ann, -)=rome:null", k.State());
        k.Shop("s1", null, 4);
        Assert.Equal("(ann, -)=rome:null", k.State());
    }

    [Fact]
    public void OuterJoin_RejectsValueTypesThatCannotBeNull()
    {
        var b = new StreamsBuilder();
        var left = b.Table("l", Consumed.With(Serdes.String, Serdes.String)).MapValues((_, v) => v.Length);
        var right = b.Table("r", Consumed.With(Serdes.String, Serdes.String));
        Assert.Throws<TopologyException>(() => left.OuterJoin(right, (_, v) => v.ToString(), (_, v) => v, (l, r) => $"{l}{r}"));
    }
}
