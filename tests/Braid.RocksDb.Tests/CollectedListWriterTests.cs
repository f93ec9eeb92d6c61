using Braid.Internal.Aggregations;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;
using CsCheck;

namespace Braid.RocksDb.Tests;

/// <summary>
/// A RocksDB commit writes a Collect's result lists and member pages into one reused buffer (issue 19, s13-rkv), and a
/// list's items keep their bytes for one commit more, by reference. The bytes must be exactly the serdes' (the layout on
/// disk is unchanged), an item must be serialized only when the last commit did not write that very object, and a
/// different object — even one equal to it — must never get its bytes.
/// </summary>
public sealed class CollectedListWriterTests
{
    private static readonly TaskId Task = new(0, 0);
    private static readonly Dictionary<string, byte[]?> NoMetadata = new();

    /// <summary>Equal by id only, so an equality-keyed cache would hand one object another's bytes.</summary>
    public sealed class Line(int id, string text)
    {
        public int Id { get; } = id;
        public string Text { get; } = text;
        public override bool Equals(object? obj) => obj is Line other && other.Id == Id;
        public override int GetHashCode() => Id;
    }

    /// <summary>Writes "id:text" and counts its calls.</summary>
    private sealed class CountingLineSerde : Serde<Line>
    {
        public int Calls;
        public override string Name => "CountingLine";
        public override byte[] Serialize(Line value)
        {
            Calls++;
            return System.Text.Encoding.UTF8.GetBytes($"{value.Id}:{value.Text}");
        }
        public override Line Deserialize(ReadOnlySpan<byte> data)
        {
            var s = System.Text.Encoding.UTF8.GetString(data);
            int colon = s.IndexOf(':');
            return new Line(int.Parse(s[..colon], System.Globalization.CultureInfo.InvariantCulture), s[(colon + 1)..]);
        }
    }

    /// <summary>
    /// Random commits, each writing random lists drawn from a pool of objects (several objects per id, with different
    /// texts, so equal objects carry different bytes): every written value must equal the timestamped list serde's bytes,
    /// and the item serde must be called exactly for the items the previous commit (or this one, earlier) did not write as
    /// that same object. CsCheck prints the seed of a failing case.
    /// </summary>
    [Fact]
    public void ACollectedList_IsWrittenAsTheListSerdesBytes_SerializingOnlyObjectsTheLastCommitDidNotWrite()
    {
        var list = Gen.Int[0, 23].Array[0, 12];
        Gen.Select(list.Array[0, 6].Array[1, 8], Gen.Long).Sample((commits, ts) =>
        {
            var pool = Enumerable.Range(0, 24).Select(i => new Line(i % 8, "text" + i)).ToArray(); // 3 objects per id
            var counting = new CountingLineSerde();
            var reference = new ValueAndTimestampSerde<IReadOnlyList<Line>>(new ListSerde<Line>(new CountingLineSerde()));
            var writer = new CommitValueWriter<ValueAndTimestamp<IReadOnlyList<Line>>>(
                new ValueAndTimestampSerde<IReadOnlyList<Line>>(new ListSerde<Line>(counting)));
            var previous = new HashSet<int>();
            foreach (var views in commits)
            {
                writer.BeginCommit();
                var current = new HashSet<int>();
                int expectedCalls = counting.Calls;
                foreach (var view in views)
                {
                    var value = new ValueAndTimestamp<IReadOnlyList<Line>>(view.Select(i => pool[i]).ToArray(), ts);
                    foreach (int i in view)
                        if (current.Add(i) && !previous.Contains(i)) expectedCalls++;
                    Assert.Equal(reference.Serialize(value), writer.Write(value).ToArray());
                }
                Assert.Equal(expectedCalls, counting.Calls);
                previous = current;
            }
        }, iter: 300, threads: 1);
    }

    /// <summary>
    /// Through a RocksDB key–value store: Collect result lists (strings) and member pages committed over several commits,
    /// a crash (pending writes discarded) and a reopen read back as written; the buffer is reused across values of
    /// different lengths, so a stale tail would show.
    /// </summary>
    [Fact]
    public void CollectedListsAndPages_CommittedThroughTheReusedBuffer_ReadBackAfterACrashAndAReopen()
    {
        using var dir = new TempStateDirectory();
        var listSerde = new ListSerde<string>(Serdes.String);
        var views = new KeyValueStoreBuilder<string, ValueAndTimestamp<IReadOnlyList<string>>>("views", Serdes.String,
            new ValueAndTimestampSerde<IReadOnlyList<string>>(listSerde));
        var pages = new KeyValueStoreBuilder<string, MemberPage<string>>("pages", Serdes.String, new MemberPage<string>.ValueSerde(listSerde));
        var expected = new Dictionary<string, string[]>();
        var stamps = new Dictionary<string, long>();
        var expectedPages = new Dictionary<string, string[]>();
        using (var backend = dir.Open())
        {
            var task = backend.OpenTask(Task);
            var v = task.Stores.CreateKeyValueStore(views);
            var p = task.Stores.CreateKeyValueStore(pages);
            for (int commit = 0; commit < 4; commit++)
            {
                for (int k = 0; k < 5; k++)
                {
                    var items = Enumerable.Range(0, (commit * 7 + k * 3) % 9).Select(i => new string('x', (i + commit + k) % 5) + i).ToArray();
                    v.Put("k" + k, new ValueAndTimestamp<IReadOnlyList<string>>(items, commit * 10 + k));
                    expected["k" + k] = items;
                    stamps["k" + k] = commit * 10 + k;
                    var page = MemberPage<string>.Page(items.Reverse().ToList());
                    p.Put("p" + k, page);
                    expectedPages["p" + k] = items.Reverse().ToArray();
                }
                backend.Commit([task], NoMetadata);
            }
            v.Put("k0", new ValueAndTimestamp<IReadOnlyList<string>>(["lost"], 99)); // never committed: a crash drops it
            task.DiscardPending();
            task.Dispose();
        }
        using (var backend = dir.Open())
        {
            var task = backend.OpenTask(Task);
            var v = task.Stores.CreateKeyValueStore(views);
            var p = task.Stores.CreateKeyValueStore(pages);
            foreach (var (key, items) in expected)
            {
                Assert.True(v.TryGet(key, out var read));
                Assert.Equal(items, read.Value);
                Assert.Equal(stamps[key], read.Timestamp);
            }
            foreach (var (key, items) in expectedPages)
            {
                Assert.True(p.TryGet(key, out var read));
                Assert.Equal(items, read.Members!);
            }
            task.Dispose();
        }
    }
}
