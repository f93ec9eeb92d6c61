namespace Braid.Kafka;

/// <summary>
/// Restore progress of the stores of newly assigned tasks (Kafka Streams' <c>StateRestoreListener</c>). Called on
/// the stream thread: keep it quick. Offsets are changelog offsets; the end is fixed when the restore starts.
/// </summary>
public interface IStateRestoreListener
{
    /// <summary>A store starts restoring one changelog partition.</summary>
    /// <param name="store">The store.</param>
    /// <param name="changelog">The changelog topic and partition.</param>
    /// <param name="startOffset">The first offset restored (the local checkpoint, or the partition's start).</param>
    /// <param name="endOffset">The offset the restore stops at (exclusive).</param>
    void OnRestoreStart(string store, string changelog, long startOffset, long endOffset);

    /// <summary>A batch of records was applied.</summary>
    /// <param name="store">The store.</param>
    /// <param name="changelog">The changelog topic and partition.</param>
    /// <param name="batchEndOffset">The next offset to restore.</param>
    /// <param name="batchRecords">Records in this batch.</param>
    void OnBatchRestored(string store, string changelog, long batchEndOffset, long batchRecords);

    /// <summary>The store's partition is restored.</summary>
    /// <param name="store">The store.</param>
    /// <param name="changelog">The changelog topic and partition.</param>
    /// <param name="totalRecords">Records applied in all.</param>
    void OnRestoreEnd(string store, string changelog, long totalRecords);
}
