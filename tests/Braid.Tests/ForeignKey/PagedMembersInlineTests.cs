using Braid.Internal.Aggregations;
using Braid.Internal.State;
using Braid.Internal.State.Logging;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// A Collect member store with unbounded pages (the in-memory store's layout, issue 19 s13-tl): each group is one page
/// kept under its directory key, with no directory and no numbered pages. Checked against a list per group after random
/// inserts and removals (groups emptied and refilled), including what the store holds; and a store of that layout read
/// with bounded pages (a changelog of an in-memory store restored into a persistent one), which must turn each whole
/// group into a directory and its pages without losing or duplicating a member. CsCheck prints the seed of a failing case.
/// </summary>
public sealed class PagedMembersInlineTests
{
    private const string StoreName = "members";

    private static InMemoryKeyValueStore<MemberPageKey<string>, MemberPage<int>> NewStore() =>
        new(StoreName, new MemberPageKey<string>.KeySerde(Serdes.String));

    [Fact]
    public void UnboundedPages_KeepEachGroupWhole_UnderItsDirectoryKey_AgreeingWithAListModel()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 5], Gen.Int[0, 1000], Gen.Int[0, 1000]);
        op.Array[1, 200].Sample(ops =>
        {
            var store = NewStore();
            var members = new PagedMembers<string, int>(StoreName, store, int.MaxValue);
            var model = new Dictionary<string, List<int>>();
            foreach (var (g, kind, pos, value) in ops)
            {
                string group = "g" + g;
                members.Load(group);
                var list = model.TryGetValue(group, out var l) ? l : model[group] = new List<int>();
                Assert.Equal(list, Read(members));
                if (kind >= 3 && list.Count > 0) // removals often enough that groups empty and come back
                {
                    int at = pos % list.Count;
                    members.RemoveAt(at);
                    list.RemoveAt(at);
                }
                else
                {
                    int at = pos % (list.Count + 1);
                    members.Insert(at, value);
                    list.Insert(at, value);
                }
                members.Save();
            }
            foreach (var (group, list) in model)
            {
                members.Load(group);
                Assert.Equal(list, Read(members));
            }
            // One entry per non-empty group, under the directory key, holding the whole group; the marker; nothing else.
            var entries = store.All().ToList();
            var groups = model.Where(m => m.Value.Count > 0).ToDictionary(m => m.Key, m => m.Value);
            var whole = entries.Where(e => !e.Key.IsMarker).ToList();
            Assert.All(whole, e => Assert.Equal(MemberPageKey<string>.DirectoryPage, e.Key.Page));
            Assert.Equal(groups.Keys.Order(), whole.Select(e => e.Key.Group).Order());
            Assert.All(whole, e => Assert.Equal(groups[e.Key.Group], e.Value.Members!));
            // The marker comes with the first group and stays (a store that had groups keeps its layout's marker).
            Assert.InRange(entries.Count(e => e.Key.IsMarker), groups.Count > 0 ? 1 : 0, 1);
        }, iter: 200);
    }

    [Fact]
    public void WholeGroups_ReadWithBoundedPages_BecomeADirectoryAndPages_WithEveryMemberOnce()
    {
        Gen.Select(Gen.Int[0, 1000].List[1, 40], Gen.Int[1, 5], Gen.Int[0, 4]).Sample(t =>
        {
            var (values, maxPage, edit) = t;
            var store = NewStore();
            var whole = new PagedMembers<string, int>(StoreName, store, int.MaxValue);
            whole.Load("g");
            for (int i = 0; i < values.Count; i++) whole.Insert(i, values[i]);
            whole.Save();

            var paged = new PagedMembers<string, int>(StoreName, store, maxPage);
            paged.Load("g");
            var model = new List<int>(values);
            Assert.Equal(model, Read(paged));
            switch (edit)
            {
                case 0: paged.Insert(0, -1); model.Insert(0, -1); break;
                case 1: paged.Insert(model.Count, -2); model.Add(-2); break;
                case 2: paged.RemoveAt(model.Count - 1); model.RemoveAt(model.Count - 1); break;
                case 3: while (model.Count > 0) { paged.RemoveAt(0); model.RemoveAt(0); } break;
                default: break; // a save without an edit (a Collect change whose old value was not a member) still converts
            }
            paged.Save();

            paged.Load("g");
            Assert.Equal(model, Read(paged));
            var entries = store.All().Where(e => !e.Key.IsMarker).ToList();
            if (model.Count == 0)
            {
                Assert.Empty(entries);
                return;
            }
            var dir = Assert.Single(entries, e => e.Key.Page == MemberPageKey<string>.DirectoryPage).Value;
            Assert.Null(dir.Members); // a directory now, not the whole group
            var pages = entries.Where(e => e.Key.Page >= 0).ToList();
            Assert.Equal(dir.PageIds!.Order(), pages.Select(e => e.Key.Page).Order());
            Assert.Equal(model.Count, pages.Sum(e => e.Value.Members!.Count));
        }, iter: 200);
    }

    /// <summary>
    /// An in-memory store with a changelog: every change of a group must reach the log (the bare in-memory store may
    /// skip putting back the object it holds; a wrapper may not), the log keeps the directory layout every Braid version
    /// reads (no whole group under a directory key: an older instance restoring it during a rolling upgrade would fail),
    /// and replaying the log into a fresh store gives the same groups.
    /// </summary>
    [Fact]
    public void AChangelog_OfAnInMemoryStore_KeepsTheDirectoryLayout_AndRestoresTheSameGroups()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, 1000], Gen.Int[0, 1000]);
        op.Array[1, 120].Sample(ops =>
        {
            var keySerde = new MemberPageKey<string>.KeySerde(Serdes.String);
            var valueSerde = new MemberPage<int>.ValueSerde(new ListSerde<int>(Serdes.Int32));
            var sink = new Sink();
            var logged = new ChangeLoggingKeyValueStore<MemberPageKey<string>, MemberPage<int>>(NewStore(), keySerde, valueSerde, sink);
            var members = new PagedMembers<string, int>(StoreName, logged, int.MaxValue);
            var model = new Dictionary<string, List<int>>();
            foreach (var (g, kind, pos, value) in ops)
            {
                string group = "g" + g;
                members.Load(group);
                var list = model.TryGetValue(group, out var l) ? l : model[group] = new List<int>();
                if (kind >= 3 && list.Count > 0)
                {
                    members.RemoveAt(pos % list.Count);
                    list.RemoveAt(pos % list.Count);
                }
                else
                {
                    members.Insert(pos % (list.Count + 1), value);
                    list.Insert(pos % (list.Count + 1), value);
                }
                members.Save();
            }
            foreach (var (key, val) in sink.Changes)
                if (val is not null && keySerde.Deserialize(key).Page == MemberPageKey<string>.DirectoryPage)
                    Assert.NotNull(valueSerde.Deserialize(val).PageIds);
            var restored = new ChangeLoggingKeyValueStore<MemberPageKey<string>, MemberPage<int>>(NewStore(), keySerde, valueSerde, new Sink());
            foreach (var (key, val) in sink.Changes) restored.Restore(key, val, 0);
            var fresh = new PagedMembers<string, int>(StoreName, restored, int.MaxValue);
            foreach (var (group, list) in model)
            {
                fresh.Load(group);
                Assert.Equal(list, Read(fresh));
            }
        }, iter: 200);
    }

    private sealed class Sink : IChangeSink
    {
        public readonly List<(byte[] Key, byte[]? Value)> Changes = new();
        public long CurrentTimestamp => 0;
        public void Log(byte[] key, byte[]? value, long timestamp) => Changes.Add((key, value));
    }

    private static List<int> Read(PagedMembers<string, int> members)
    {
        var list = new List<int>(members.Count);
        for (int i = 0; i < members.Count; i++) list.Add(members[i]);
        return list;
    }
}
