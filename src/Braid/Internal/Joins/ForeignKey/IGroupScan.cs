namespace Braid.Internal.Joins.ForeignKey;

/// <summary>A store that answers one prefix's group from the prefix itself, without its bytes: what a right-table update
/// of a foreign-key join scans (Kafka's <c>ForeignTableJoinProcessorSupplier</c> prefix-scans the subscription store
/// with the right key's bytes; same entries, same order). The output list is cleared first.</summary>
internal interface IGroupScan<TPrefix, TPrimary, TValue>
{
    void ScanGroup(TPrefix prefix, List<KeyValue<CombinedKey<TPrefix, TPrimary>, TValue>> output);
}
