using Braid.Processors;
using Braid.Internal.Aggregations;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Collect's member pages keep each member's serialized bytes beside it (issue 19, s11-collect), so a commit serializes
/// only the members added since the last one. The bytes on disk must stay exactly the whole-list encoding (a page written
/// before the change reads back, and re-serializes, byte for byte), a removed or replaced member's bytes must never
/// survive it, and a page read back from the database must not serialize its old members again.
/// </summary>
public sealed class CollectMemberBytesTests
{
    private const string StoreName = "timeline-members";
    private static readonly TaskId Task = new(0, 0);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly ListSerde<string> Strings = new(Serdes.String);

    /// <summary>
    /// Random edits of one page (inserts, removals, replacements of a member by a different value at the same position,
    /// splits), serialized at random points: every serialization must equal ['P'] + the whole list's encoding (what the
    /// page serde wrote before members kept bytes), and those bytes must read back to the same members and serialize again
    /// to the same bytes. Values of 0–12 characters (the empty string included: a zero-length member). CsCheck prints the
    /// seed of a failing case.
    /// </summary>
    [Fact]
    public void APage_AlwaysSerializesToTheWholeListEncoding_AcrossEditsSplitsAndRereads()
    {
        var serde = new MemberPage<string>.ValueSerde(Strings);
        var op = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 100], Gen.String[Gen.Char['a', 'e'], 0, 12]);
        Gen.Select(Gen.String[Gen.Char['a', 'e'], 0, 12].List[0, 20], op.Array[1, 60]).Sample(t =>
        {
            var (initial, ops) = t;
            // The page as an earlier Braid wrote it: it must read back as its members and re-serialize unchanged.
            var page = serde.Deserialize(Reference(initial));
            var model = new List<string>(initial);
            foreach (var (kind, pos, value) in ops)
            {
                switch (kind)
                {
                    case 0 or 1:
                        int i = pos % (model.Count + 1);
                        page.Insert(i, value);
                        model.Insert(i, value);
                        break;
                    case 2 when model.Count > 0:
                        int r = pos % model.Count;
                        page.RemoveAt(r);
                        model.RemoveAt(r);
                        break;
                    case 3 when model.Count > 0: // an update: the old value out, a different new value in at the same place
                        int u = pos % model.Count;
                        page.RemoveAt(u);
                        page.Insert(u, model[u] + "x" + value);
                        model[u] = model[u] + "x" + value;
                        break;
                    case 4 when model.Count > 1: // a split: the upper part goes on as the page, as PagedMembers does
                        int from = 1 + pos % (model.Count - 1);
                        var upper = page.SplitOff(from);
                        Assert.Equal(Reference(model[..from]), serde.Serialize(page));
                        page = upper;
                        model = model[from..];
                        break;
                    default:
                        var bytes = serde.Serialize(page);
                        Assert.Equal(Reference(model), bytes);
                        var reread = serde.Deserialize(bytes);
                        Assert.Equal(model, reread.Members!);
                        Assert.Equal(bytes, serde.Serialize(reread));
                        page = pos % 2 == 0 ? reread : page; // go on with either: the one read back keeps its bytes too
                        break;
                }
                Assert.Equal(model, page.Members!);
            }
            Assert.Equal(Reference(model), serde.Serialize(page));
        }, iter: 300);
    }

    /// <summary>
    /// Random inserts, removals and replacements (a member removed and a different value inserted at its place, the
    /// Collect's equal-sort-key update) in three groups over RocksDB, with commits, crashes before a commit (the task
    /// reopened: pages come back from the database) and a database reopen at the end. Each commit must call the members'
    /// serde exactly once per member added since the last commit and still present (a counting serde), and the reopened
    /// store must hold the model's members — so a member whose cached bytes went stale, or an old member serialized
    /// again, fails it. Pages of 1–4 members, so pages split and empty often.
    /// </summary>
    [Fact]
    public void ACommit_SerializesOnlyMembersAddedSinceTheLastOne_AndNoStaleBytesSurviveCrashesOrReopens()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 9], Gen.Int[0, 1000], Gen.String[Gen.Char['a', 'z'], 0, 8]);
        Gen.Select(op.Array[1, 120], Gen.Int[1, 4]).Sample(t =>
        {
            var (ops, maxPage) = t;
            using var dir = new TempStateDirectory();
            var counting = new CountingSerde(Serdes.String);
            var builder = new KeyValueStoreBuilder<MemberPageKey<string>, MemberPage<string>>(StoreName,
                new MemberPageKey<string>.KeySerde(Serdes.String), new MemberPage<string>.ValueSerde(new ListSerde<string>(counting)));
            var backend = dir.Open();
            var task = backend.OpenTask(Task);
            PagedMembers<string, string> Open() => new(StoreName, task.Stores.CreateKeyValueStore(builder), maxPage);
            var members = Open();
            // The model: each group's members, each flagged when added since the last commit (not serialized yet).
            var committed = new Dictionary<string, List<(string Value, bool Fresh)>>();
            var pending = new Dictionary<string, List<(string Value, bool Fresh)>>();
            try
            {
                foreach (var (g, kind, pos, value) in ops)
                {
                    string group = "g" + g;
                    var list = pending.TryGetValue(group, out var l) ? l : pending[group] = new();
                    switch (kind)
                    {
                        case <= 6:
                            members.Load(group);
                            Assert.Equal(list.Select(m => m.Value), Read(members));
                            if (kind <= 3)
                            {
                                int i = pos % (list.Count + 1);
                                members.Insert(i, value);
                                list.Insert(i, (value, true));
                            }
                            else if (list.Count > 0)
                            {
                                int r = pos % list.Count;
                                members.RemoveAt(r);
                                var old = list[r].Value;
                                list.RemoveAt(r);
                                if (kind == 6) // replaced by a different value at the same position
                                {
                                    members.Insert(r, old + "!" + value);
                                    list.Insert(r, (old + "!" + value, true));
                                }
                            }
                            members.Save();
                            break;
                        case 7 or 8:
                            counting.Calls = 0;
                            backend.Commit([task], NoMetadata);
                            Assert.Equal(pending.Values.Sum(v => v.Count(m => m.Fresh)), counting.Calls);
                            committed = pending.ToDictionary(p => p.Key, p => p.Value.Select(m => (m.Value, false)).ToList());
                            pending = Copy(committed);
                            break;
                        default: // a crash before the commit: pending writes lost, pages read back from the database
                            task.Dispose();
                            task = backend.OpenTask(Task);
                            members = Open();
                            pending = Copy(committed);
                            break;
                    }
                }
                task.Dispose();
                backend.Dispose();
                backend = dir.Open();
                task = backend.OpenTask(Task);
                members = Open();
                counting.Calls = 0;
                for (int g = 0; g < 3; g++)
                {
                    members.Load("g" + g);
                    Assert.Equal(committed.TryGetValue("g" + g, out var c) ? c.Select(m => m.Value) : [], Read(members));
                    // A page read back keeps its members' bytes: an edit and a commit serialize the new member only.
                    members.Insert(0, "new");
                    members.Save();
                }
                backend.Commit([task], NoMetadata);
                Assert.Equal(3, counting.Calls);
            }
            finally
            {
                task.Dispose();
                backend.Dispose();
            }
        }, iter: 60);
    }

    /// <summary>['P'] then [count]([length][item])*: the page bytes before members kept theirs.</summary>
    private static byte[] Reference(IReadOnlyList<string> members) => [(byte)'P', .. Strings.Serialize(members)];

    private static Dictionary<string, List<(string Value, bool Fresh)>> Copy(Dictionary<string, List<(string Value, bool Fresh)>> groups) =>
        groups.ToDictionary(g => g.Key, g => new List<(string, bool)>(g.Value));

    private static List<string> Read(PagedMembers<string, string> members)
    {
        var list = new List<string>();
        for (int i = 0; i < members.Count; i++) list.Add(members[i]);
        return list;
    }

    /// <summary>Counts the members the page serde serializes.</summary>
    private sealed class CountingSerde(Serde<string> inner) : Serde<string>
    {
        public int Calls { get; set; }

        public override byte[] Serialize(string value)
        {
            Calls++;
            return inner.Serialize(value);
        }

        public override string Deserialize(ReadOnlySpan<byte> data) => inner.Deserialize(data);
    }
}
