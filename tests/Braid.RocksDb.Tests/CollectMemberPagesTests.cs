using Braid.Internal.Aggregations;
using Braid.Internal.State;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;
using static Braid.RocksDb.Tests.CollectMemberModel;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Collect's members are stored in pages (PagedMembers, issue 19 session 7): a change writes the page it touched and the
/// group's directory, not the group's whole list. The pages must hold exactly the members a from-scratch list model
/// holds, in order, across commits, crashes before a commit and reopens, with no page left behind; a commit must write
/// a page, not the list; a store of the old one-list-per-group layout must fail, typed.
/// </summary>
public sealed class CollectMemberPagesTests : IDisposable
{
    private const string StoreName = "timeline-members";
    private static readonly TaskId Task = new(0, 0);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();
    private static readonly KeyValueStoreBuilder<MemberPageKey<string>, MemberPage<int>> Builder =
        new(StoreName, new MemberPageKey<string>.KeySerde(Serdes.String), new MemberPage<int>.ValueSerde(new ListSerde<int>(Serdes.Int32)));

    private readonly TempStateDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Random inserts and removals at random positions in three groups, loads, commits, crashes (the task closed without a
    /// commit) and a reopen of the database at the end, against a list per group (committed copy and pending copy). After every load
    /// the group's members must equal the model's, in order; at the end, the store must hold exactly one directory per
    /// non-empty group, its pages and the marker. Pages of 3 members, so groups split and empty pages often. CsCheck prints
    /// the seed of a failing case; replay it with Sample(..., seed: "that seed").
    /// </summary>
    [Fact]
    public void PagedMembers_AgreeWithAListModel_AcrossCommitsCrashesAndReopens()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 8], Gen.Int[0, 1000], Gen.Int[0, 1000]);
        Gen.Select(op.Array[1, 120], Gen.Int[1, 4]).Sample(t =>
        {
            var (ops, maxPage) = t;
            using var dir = new TempStateDirectory();
            var backend = dir.Open();
            var task = backend.OpenTask(Task);
            var store = task.Stores.CreateKeyValueStore(Builder);
            var members = new PagedMembers<string, int>(StoreName, store, maxPage);
            var committed = new Dictionary<string, List<int>>();
            var pending = new Dictionary<string, List<int>>();
            try
            {
                foreach (var (g, kind, pos, value) in ops)
                {
                    string group = "g" + g;
                    switch (kind)
                    {
                        case <= 5: // 0-4: an insert; 5: a removal (when the group has members)
                            members.Load(group);
                            var list = Members(pending, group);
                            Assert.Equal(list, Read(members));
                            if (kind == 5 && list.Count > 0)
                            {
                                int r = pos % list.Count;
                                members.RemoveAt(r);
                                list.RemoveAt(r);
                            }
                            else if (kind <= 4)
                            {
                                int i = pos % (list.Count + 1);
                                members.Insert(i, value);
                                list.Insert(i, value);
                            }
                            members.Save();
                            Assert.Equal(list, Read(members));
                            break;
                        case 6 or 7:
                            backend.Commit([task], NoMetadata);
                            committed = Copy(pending);
                            break;
                        default: // a crash before the commit: the task's pending writes are lost
                            task.Dispose();
                            task = backend.OpenTask(Task);
                            store = task.Stores.CreateKeyValueStore(Builder);
                            members = new PagedMembers<string, int>(StoreName, store, maxPage);
                            pending = Copy(committed);
                            break;
                    }
                }
                // The process ends without a commit and the database reopens.
                task.Dispose();
                backend.Dispose();
                backend = dir.Open();
                task = backend.OpenTask(Task);
                store = task.Stores.CreateKeyValueStore(Builder);
                members = new PagedMembers<string, int>(StoreName, store, maxPage);
                pending = committed;
                for (int g = 0; g < 3; g++)
                {
                    members.Load("g" + g);
                    Assert.Equal(Members(pending, "g" + g), Read(members));
                }
                // No page left behind: one directory per non-empty group, only non-empty pages holding every member once, the marker.
                var entries = store.All().ToList();
                int groups = pending.Count(p => p.Value.Count > 0);
                Assert.Equal(groups, entries.Count(e => e.Key.Page == MemberPageKey<string>.DirectoryPage));
                var pages = entries.Where(e => e.Key.Page >= 0).ToList();
                Assert.All(pages, e => Assert.NotEmpty(e.Value.Members!));
                Assert.Equal(pending.Values.Sum(l => l.Count), pages.Sum(e => e.Value.Members!.Count));
                if (groups > 0) Assert.Single(entries, e => e.Key.IsMarker);
            }
            finally
            {
                task.Dispose();
                backend.Dispose();
            }
        }, iter: 60);
    }

    [Fact]
    public void ACommit_AfterOneInsert_WritesOnePageAndTheDirectory_NotTheGroupsWholeList()
    {
        using var backend = _dir.Open();
        var task = backend.OpenTask(Task);
        var counting = new CountingSerde(Builder.ValueSerde);
        var store = task.Stores.CreateKeyValueStore(new KeyValueStoreBuilder<MemberPageKey<string>, MemberPage<int>>(StoreName, Builder.KeySerde, counting));
        var members = new PagedMembers<string, int>(StoreName, store);
        members.Load("follower");
        for (int i = 0; i < 1_600; i++) members.Insert(0, i); // newest first, as a timeline
        members.Save();
        backend.Commit([task], NoMetadata);
        Assert.InRange(counting.Bytes, 1_600 * 8, 1_600 * 8 + 1_000); // every member once, 4-byte length and int
        counting.Bytes = 0;
        members.Load("follower");
        members.Insert(0, 1_600);
        members.Save();
        backend.Commit([task], NoMetadata);
        // The whole list is 1,600 × 8 bytes ≈ 13 KB; one page of at most 64 members (≤ 520 bytes) and the directory of
        // 1,601 / 32..64 pages (≤ 8 bytes each) are under 1 KB.
        Assert.InRange(counting.Bytes, 1, 1_000);
        members.Load("follower");
        Assert.Equal(1_601, members.Count);
        Assert.Equal([1_600, 1_599, 1_598], members.CopyFirst(3));
    }

    [Fact]
    public void AMemberStoreInTheOldOneListPerGroupLayout_FailsWithATypedError()
    {
        using var backend = _dir.Open();
        // The old layout: [task][0x01][serialized group key] → the group's whole member list.
        byte[] oldKey = [.. KeyLayout.DataPrefix(Task), .. "follower"u8];
        backend.Database.Db.Put(oldKey, new ListSerde<int>(Serdes.Int32).Serialize([3, 2, 1]), backend.Database.StoreFamily(StoreName));
        var task = backend.OpenTask(Task);
        var members = new PagedMembers<string, int>(StoreName, task.Stores.CreateKeyValueStore(Builder));
        var error = Assert.Throws<StateStoreException>(() => members.Load("follower"));
        Assert.Contains($"Collect member store '{StoreName}'", error.Message);
        Assert.Contains("earlier Braid version", error.Message);
    }
}
