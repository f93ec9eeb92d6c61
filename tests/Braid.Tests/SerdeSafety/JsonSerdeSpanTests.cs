using System.Text.Encodings.Web;
using System.Text.Json;
using Braid.Internal.Aggregations;
using Braid.Serialization;
using CsCheck;

namespace Braid.Tests.SerdeSafety;

/// <summary>
/// <c>JsonSerde.SerializeToSpan</c> (a RocksDB commit's Collect member entries, issue 19, s19-tlr) writes exactly the bytes
/// <c>Serialize</c> returns, whatever the serde's options and however calls of differently configured serdes of one type
/// interleave on a thread, and without an array per value.
/// </summary>
public sealed class JsonSerdeSpanTests
{
    public sealed record Line(long Id, string Sender, string Text, IReadOnlyList<int>? Tags);

    private static readonly Gen<string> Text = Gen.String[Gen.OneOf(Gen.Char['a', 'z'], Gen.Char.AlphaNumeric,
        Gen.Char["<>&\"\\'\n\u00e9\u4e2d\u2028"], Gen.Char['\u0000', '\u07ff']), 0, 40];

    private static readonly Gen<Line> Lines = Gen.Select(Gen.Long, Text, Text, Gen.Int[-5, 1000].List[0, 6].Null())
        .Select((id, s, t, tags) => new Line(id, s, t, tags));

    private static Serde<Line>[] Serdes4() =>
    [
        Serdes.Json<Line>(),
        Serdes.StrictJson<Line>(),
        Serdes.Json<Line>(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, IndentSize = 3, IncludeFields = true }),
        Serdes.Json<Line>(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, IncludeFields = true }),
    ];

    /// <summary>
    /// Random values through four serdes of one type (lenient, strict, indented, a relaxed encoder), called in random
    /// interleavings on one thread: each span equals that serde's <c>Serialize</c>. Fails if the span writer used its own
    /// writer options (the encoder, the indentation) or reused another serde's writer. CsCheck prints the seed.
    /// </summary>
    [Fact]
    public void SerializeToSpan_EqualsSerialize_ForEveryOptionsAndInterleaving()
    {
        var serdes = Serdes4();
        Gen.Select(Gen.Int[0, 3], Lines).Array[1, 30].Sample(calls =>
        {
            foreach (var (which, line) in calls)
            {
                var json = (JsonSerde<Line>)serdes[which];
                var expected = json.Serialize(line);
                var span = json.SerializeToSpan(line).ToArray();
                if (!span.AsSpan().SequenceEqual(expected))
                    throw new Xunit.Sdk.XunitException($"serde {which}: {System.Text.Encoding.UTF8.GetString(span)} != {System.Text.Encoding.UTF8.GetString(expected)}");
            }
        });
    }

    /// <summary>A value larger than the kept buffer comes out whole, and the next (small) value too: the thread's buffer was dropped, not left half-used.</summary>
    [Fact]
    public void AValueAboveTheKeptBound_IsWrittenWhole_AndTheNextValueToo()
    {
        var json = (JsonSerde<Line>)Serdes.Json<Line>();
        var big = new Line(1, "s", new string('x', JsonSerde<Line>.MaxKeptBytes * 2), null);
        Assert.Equal(json.Serialize(big), json.SerializeToSpan(big).ToArray());
        var small = new Line(2, "t", "u", [1, 2]);
        Assert.Equal(json.Serialize(small), json.SerializeToSpan(small).ToArray());
    }

    /// <summary>
    /// A Collect member entry written into a commit's buffer (MemberPage's buffered serde) allocates no array per member
    /// when the member serde is JSON: 2,000 entries allocate less than 20 bytes each (an array of the member's JSON would
    /// be well over 100). Fails if the entry path goes back to <c>Serialize</c>. The bytes equal the unbuffered serde's.
    /// </summary>
    [Fact]
    public void AJsonMemberEntry_IsWrittenIntoTheCommitBuffer_WithoutAnArrayPerMember()
    {
        var serde = new MemberPage<Line>.ValueSerde(new ListSerde<Line>(Serdes.Json<Line>()));
        var entries = Enumerable.Range(0, 2_000).Select(i => MemberPage<Line>.Entry(new Line(i, "user" + i % 100, "text of line " + i, null))).ToArray();
        byte[] buffer = [];
        foreach (var e in entries.Take(50)) Assert.Equal(serde.Serialize(e), serde.Serialize(e, ref buffer).ToArray()); // warm: JIT, buffer size
        long before = GC.GetAllocatedBytesForCurrentThread();
        long length = 0;
        foreach (var e in entries) length += serde.Serialize(e, ref buffer).Length;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(length > 2_000 * 40, $"{length} bytes written");
        Assert.True(allocated < 2_000 * 20, $"{allocated} bytes allocated for 2,000 entries");
    }
}
