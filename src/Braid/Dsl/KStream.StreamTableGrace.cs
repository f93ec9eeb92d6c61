namespace Braid;

public sealed partial class KStream<TKey, TValue>
{
    private KStream<TKey, TResult> StreamTableJoinWithGrace<TTableValue, TResult>(KTable<TKey, TTableValue> table,
        Func<TKey?, TValue, TTableValue?, TResult> joiner, bool leftJoin, Joined<TKey, TValue, TTableValue> joined)
    {
        // KIP-923: a grace period only makes sense against a versioned table (it looks rows up as of
        // the stream record's time once the record is released). Kafka rejects it otherwise; so do we.
        if (!table.IsVersioned)
        {
            throw new TopologyException(
                $"a stream–table join with a grace period needs a versioned table; materialize '{table.StoreName ?? table.NodeName}' " +
                "with Materialized.VersionedHistoryRetention.");
        }
        throw new TopologyException("a stream–table join with a grace period is not supported by this build.");
    }
}
