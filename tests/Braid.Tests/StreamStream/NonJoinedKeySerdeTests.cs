using System.Buffers.Binary;
using Braid.Internal.Joins;
using Braid.Serialization;

namespace Braid.Tests.StreamStream;

/// <summary>
/// The held store's key layout (timestamp big-endian, side byte, key bytes) is what orders the buffer and what is on
/// disk: the in-place writing of string keys must give exactly the generic layout's bytes.
/// </summary>
public sealed class NonJoinedKeySerdeTests
{
    [Theory]
    [InlineData("k00042")]
    [InlineData("")]
    [InlineData("ключ-é-🙂")]
    [InlineData("lone\uD800surrogate")]
    public void StringKeys_SerializeToTheGenericLayout_AndBack(string key)
    {
        var serde = new NonJoinedKeySerde<string>(Serdes.String);
        foreach (var (ts, left) in new[] { (0L, true), (1_700_000_000_123L, false), (long.MaxValue, true) })
        {
            var bytes = serde.Serialize(new NonJoinedKey<string>(ts, left, key));
            var keyBytes = Serdes.String.Serialize(key);
            var expected = new byte[9 + keyBytes.Length];
            BinaryPrimitives.WriteInt64BigEndian(expected, ts);
            expected[8] = left ? (byte)1 : (byte)0;
            keyBytes.CopyTo(expected, 9);
            Assert.Equal(expected, bytes);
            var back = serde.Deserialize(bytes);
            Assert.Equal((ts, left), (back.Timestamp, back.IsLeft));
            Assert.Equal(Serdes.String.Deserialize(keyBytes), back.Key);
        }
    }
}
