using Braid.Internal.Aggregations;
using Braid.Internal.State;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.ForeignKey;

/// <summary>
/// The Collect's last-group cache (issue 19, s15-tl): over the bare in-memory store, a Load of the group the previous
/// Save wrote reuses that page instead of looking it up. It must never serve a page the store no longer holds: after a
/// put or a delete by anyone else (another Collect over the same store, a restore writing freshly read pages, a test's
/// write), and after a change that stopped between its Load and its Save (a new group's page the store never got),
/// the next Load reads the store. Checked against a list per group; CsCheck prints the seed of a failing case.
/// </summary>
public sealed class PagedMembersLastGroupCacheTests
{
    private const string StoreName = "members";

    private static InMemoryKeyValueStore<MemberPageKey<string>, MemberPage<int>> NewStore()
    {
        var store = new InMemoryKeyValueStore<MemberPageKey<string>, MemberPage<int>>(StoreName, new MemberPageKey<string>.KeySerde(Serdes.String));
        // The layout marker first, so a group written by another writer before a Collect's first Load is not refused
        // as the old layout (a Collect's own first group writes it too).
        store.Put(MemberPageKey<string>.LayoutMarker, MemberPage<int>.Marker());
        return store;
    }

    private static MemberPageKey<string> Whole(string group) => new(group, MemberPageKey<string>.DirectoryPage);

    private static List<int> Read(PagedMembers<string, int> members)
    {
        var list = new List<int>();
        for (int i = 0; i < members.Count; i++) list.Add(members[i]);
        return list;
    }

    /// <summary>
    /// Two Collects over one store and a third writer, interleaved at random over three groups (so runs of one group,
    /// the cache's case, are common): every Load must show the model's members, whoever changed the group last.
    /// </summary>
    [Fact]
    public void EveryLoad_ShowsTheStoresGroup_AfterWritesByAnotherCollect_ByARestore_AndAfterAChangeThatNeverSaved()
    {
        var op = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 5], Gen.Int[0, 1000]);
        op.Array[1, 150].Sample(ops =>
        {
            var store = NewStore();
            var serde = new MemberPage<int>.ValueSerde(new ListSerde<int>(Serdes.Int32));
            var collects = new[] { new PagedMembers<string, int>(StoreName, store, int.MaxValue), new PagedMembers<string, int>(StoreName, store, int.MaxValue) };
            var model = new Dictionary<string, List<int>> { ["g0"] = [], ["g1"] = [], ["g2"] = [] };
            foreach (var (actor, g, kind, value) in ops)
            {
                string group = "g" + g;
                var list = model[group];
                if (actor >= 2)
                {
                    // Another writer: a delete, or a put of a page read back from its bytes (as a restore writes).
                    if (kind < 2)
                    {
                        store.Delete(Whole(group));
                        list.Clear();
                    }
                    else
                    {
                        var members = new List<int> { value, value + 1 };
                        var page = serde.Deserialize(serde.Serialize(MemberPage<int>.Page(members)));
                        store.Put(Whole(group), page);
                        list.Clear();
                        list.AddRange(members);
                    }
                    continue;
                }
                var collect = collects[actor];
                collect.Load(group);
                Assert.Equal(list, Read(collect));
                if (kind == 5 && list.Count == 0)
                {
                    // A change that stops after its edit (its user code threw): a new group's page never reached the store.
                    collect.Insert(0, value);
                    continue;
                }
                if (kind >= 3 && list.Count > 0)
                {
                    int at = value % list.Count;
                    collect.RemoveAt(at);
                    list.RemoveAt(at);
                }
                else
                {
                    int at = value % (list.Count + 1);
                    collect.Insert(at, value);
                    list.Insert(at, value);
                }
                collect.Save();
            }
            foreach (var (group, list) in model)
            {
                foreach (var collect in collects)
                {
                    collect.Load(group);
                    Assert.Equal(list, Read(collect));
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void AGroupDeletedByAnotherWriter_LoadsEmpty_EvenRightAfterItsOwnSave()
    {
        var store = NewStore();
        var collect = new PagedMembers<string, int>(StoreName, store, int.MaxValue);
        collect.Load("g");
        collect.Insert(0, 1);
        collect.Save();
        store.Delete(Whole("g"));
        collect.Load("g");
        Assert.Equal(0, collect.Count);
    }

    [Fact]
    public void AGroupReplacedByAnotherWriter_LoadsTheNewPage_EvenRightAfterItsOwnSave()
    {
        var store = NewStore();
        var collect = new PagedMembers<string, int>(StoreName, store, int.MaxValue);
        collect.Load("g");
        collect.Insert(0, 1);
        collect.Save();
        store.Put(Whole("g"), MemberPage<int>.Page([7, 8]));
        collect.Load("g");
        Assert.Equal([7, 8], Read(collect));
    }

    [Fact]
    public void ANewGroupsEdit_ThatWasNeverSaved_IsNotLoadedAgain()
    {
        var store = NewStore();
        var collect = new PagedMembers<string, int>(StoreName, store, int.MaxValue);
        collect.Load("a");
        collect.Insert(0, 1);
        collect.Save();
        collect.Load("b");
        collect.Insert(0, 2); // no Save: the change threw
        collect.Load("b");
        Assert.Equal(0, collect.Count);
    }
}
