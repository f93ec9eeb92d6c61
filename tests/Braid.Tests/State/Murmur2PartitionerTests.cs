using System.Text;
using Braid.Internal.Partitioning;
using Xunit;

namespace Braid.Tests.State;

public sealed class Murmur2PartitionerTests
{
    // Expected hashes are the Java client's Utils.murmur2 outputs (Kafka's UtilsTest.testMurmur2).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    public void Murmur2_MatchesJavaClient(string input, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Murmur2(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Partition_IsNonNegativeAndBelowPartitionCount()
    {
        for (int i = 0; i < 1000; i++)
        {
            int p = Murmur2Partitioner.Partition(Encoding.UTF8.GetBytes("key-" + i), 7);
            Assert.InRange(p, 0, 6);
        }
    }
}
