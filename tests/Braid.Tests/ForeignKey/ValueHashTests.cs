using System.IO.Hashing;
using System.Text;
using Braid.Internal.Joins.ForeignKey;
using Braid.Serialization;

namespace Braid.Tests.ForeignKey;

public class ValueHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(169)] // the longest on the stack path ((length + 1) × 3 bytes at most ≤ 512)
    [InlineData(170)]
    [InlineData(5_000)]
    public void StringSerdeFastPath_HashesTheSameBytesAsTheSerializedValue(int length)
    {
        // Hashes must equal the hash of the serde's bytes: they travel in subscriptions between instances and
        // versions, and a fast path that hashed anything else would make every response look stale.
        // ASCII, 2-, 3- and 4-byte characters; a cut may leave half a surrogate pair (encoded as U+FFFD both ways).
        var s = string.Concat(Enumerable.Repeat("aé€😀", length / 5 + 1))[..length];
        Assert.Equal(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(s)), ValueHash.Of(Serdes.String, s));
        Assert.Equal(XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(s)), ValueHash.Of(new CopyOfStringSerde(), s));
    }

    private sealed class CopyOfStringSerde : Serde<string>
    {
        public override byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);

        public override string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }
}
