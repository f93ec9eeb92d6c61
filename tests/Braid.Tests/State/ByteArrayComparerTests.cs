using Braid.Internal.State;

namespace Braid.Tests.State;

public class ByteArrayComparerTests
{
    // The smallest byte string above every string with the prefix: trailing 0xFF bytes drop, the last other byte goes
    // up by one; a prefix of only 0xFF (or empty) has no bound (null = scan to the end).
    [Theory]
    [InlineData(new byte[] { 1, 2 }, new byte[] { 1, 3 })]
    [InlineData(new byte[] { 1, 0xFF }, new byte[] { 2 })]
    [InlineData(new byte[] { 0, 0xFF, 0xFF }, new byte[] { 1 })]
    [InlineData(new byte[] { 0xFE }, new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFF }, null)]
    [InlineData(new byte[0], null)]
    public void PrefixUpperBound_IsTheNextStringAfterThePrefixRange(byte[] prefix, byte[]? expected)
    {
        var copy = (byte[])prefix.Clone();
        Assert.Equal(expected, ByteArrayComparer.PrefixUpperBound(prefix));
        Assert.Equal(copy, prefix); // the prefix itself is left as it was
    }
}
