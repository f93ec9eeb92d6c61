using Braid.Internal.Joins;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KStream<TKey, TValue>
{
    private KStream<TKey, TResult> StreamTableJoinWithGrace<TTableValue, TResult>(KTable<TKey, TTableValue> table,
        Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin, Joined<TKey, TValue, TTableValue> joined)
    {
        // KIP-923: a grace period only makes sense against a versioned table (it looks rows up as of
        // the stream record's time once the record is released). Kafka rejects it otherwise; so do we.
        if (table.HistoryRetention is not { } retention)
        {
            throw new TopologyException(
                $"a stream–table join with a grace period needs a versioned table; materialize '{table.StoreName ?? table.NodeName}' " +
                "with Materialized.VersionedHistoryRetention.");
        }
        var grace = joined.GracePeriod!.Value;
        if (grace < TimeSpan.Zero) throw new TopologyException($"a stream–table join grace period must not be negative (got {grace}).");
        // A record held for the whole grace period must still find the version of its own time in the table's history.
        if (grace > retention)
        {
            throw new TopologyException(
                $"the stream–table join grace period ({grace}) is longer than the history retention ({retention}) of versioned table " +
                $"'{table.StoreName ?? table.NodeName}': held records could no longer be looked up. Shorten the grace or keep more history.");
        }
        var input = RepartitionIfRequired(() => joined.Name ?? B.NewName("KSTREAM-JOIN-"), joined.KeySerde, joined.LeftValueSerde);
        string n = joined.Name ?? B.NewName(leftJoin ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        string bufferStore = n + "-Buffer";
        var ks = joined.KeySerde ?? input.KeySerde ?? Serdes.Default<TKey>();
        var vs = joined.LeftValueSerde ?? input.ValueSerde ?? Serdes.Default<TValue>();
        B.AddStore(new KeyValueStoreBuilder<byte[], GraceBufferEntry<TKey, TValue>>(bufferStore, Serdes.ByteArray, new GraceBufferEntrySerde<TKey, TValue>(ks, vs)));
        var getter = table.ValueGetter;
        long graceMs = (long)grace.TotalMilliseconds;
        B.AddProcessor(n, () => new StreamTableJoinWithGrace<TKey, TValue, TTableValue, TResult>(n, bufferStore, ks, getter, joiner, leftJoin, graceMs),
            input.NodeName);
        B.ConnectStores(n, [.. getter.StoreNames, bufferStore]);
        return new KStream<TKey, TResult>(Builder, n, input.KeySerde, null, false);
    }
}
