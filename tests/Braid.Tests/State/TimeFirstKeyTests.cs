using Braid.Internal.State;

namespace Braid.Tests.State;

/// <summary>
/// The one copy of the sign-flipped long and of the time-first buffer keys writes exactly the bytes the grace and
/// suppression buffers (and RocksDB key layouts) stored before it was shared, so existing stores and changelogs still read.
/// </summary>
public sealed class TimeFirstKeyTests
{
    [Fact]
    public void Grace_buffer_key_is_flipped_time_then_key_then_big_endian_sequence()
    {
        Assert.Equal(Convert.FromHexString("8000000000000001" + "AB" + "0000000000000002"), TimeFirstKey.Of(1, [0xAB], 2));
        Assert.Equal(2, TimeFirstKey.Sequence(TimeFirstKey.Of(1, [0xAB], 2)));
    }

    [Fact]
    public void Suppression_buffer_key_is_flipped_time_then_key_and_gives_the_key_back()
    {
        var key = TimeFirstKey.Of(-1, [1, 2]);
        Assert.Equal(Convert.FromHexString("7FFFFFFFFFFFFFFF" + "0102"), key);
        Assert.Equal([1, 2], TimeFirstKey.RecordKey(key));
    }

    [Fact]
    public void Ordered_longs_sort_numerically_across_the_whole_range_and_round_trip()
    {
        long[] values = [long.MinValue, long.MinValue + 1, -1, 0, 1, long.MaxValue - 1, long.MaxValue];
        var encoded = values.Select(v =>
        {
            var b = new byte[8];
            OrderedInt64.Write(b, v);
            return b;
        }).ToList();
        Assert.Equal(encoded, encoded.OrderBy(b => b, ByteArrayComparer.Instance));
        Assert.Equal(values, encoded.Select(b => OrderedInt64.Read(b)));
    }
}
