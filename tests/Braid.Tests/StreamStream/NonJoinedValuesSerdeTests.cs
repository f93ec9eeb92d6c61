using System.Text;
using Braid.Internal.Joins;
using Braid.Serialization;

namespace Braid.Tests.StreamStream;

/// <summary>The held non-joined records persist each value's headers (a released result carries them after a restart).</summary>
public sealed class NonJoinedValuesSerdeTests
{
    private static readonly NonJoinedValuesSerde<string, string> Serde = new(Serdes.String, Serdes.String);

    [Fact]
    public void HeldValues_RoundTripWithTheirOwnHeaders()
    {
        var values = new NonJoinedValues<string, string>();
        values.AddLeft("a");
        values.AddHeaders(null);
        values.AddLeft("b");
        values.AddHeaders(new Headers().Add("src", Encoding.UTF8.GetBytes("b")).Add("empty", null));
        var back = Serde.Deserialize(Serde.Serialize(values));
        Assert.True(back.IsLeft);
        Assert.Equal(["a", "b"], [back.LeftAt(0), back.LeftAt(1)]);
        Assert.Null(back.HeadersAt(0));
        Assert.Equal(["src", "empty"], back.HeadersAt(1)!.Select(h => h.Key));
        Assert.True(back.HeadersAt(1)!.TryGetLast("src", out var src));
        Assert.Equal("b", Encoding.UTF8.GetString(src.Value!));
    }

    [Fact]
    public void HeldValues_WithoutHeaders_KeepTheFormerLayout()
    {
        var values = new NonJoinedValues<string, string>();
        values.AddRight("x");
        values.AddHeaders(null);
        var bytes = Serde.Serialize(values);
        Assert.Equal(5 + 4 + 1, bytes.Length); // side, count, one length-prefixed value: no header section
        var back = Serde.Deserialize(bytes);
        Assert.False(back.IsLeft);
        Assert.Equal(1, back.Count);
        Assert.Equal("x", back.RightAt(0));
        Assert.Null(back.HeadersAt(0));
    }
}
