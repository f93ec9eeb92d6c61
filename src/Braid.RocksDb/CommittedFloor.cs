namespace Braid.RocksDb;

/// <summary>
/// A lower bound of the keys a key–value store holds in RocksDB for its task: RocksDB holds no key of the task below
/// <see cref="Key"/> (serialized, without the task prefix), or none at all when <see cref="Key"/> is null.
/// <para>
/// Why: a store used as a time-ordered buffer (a stream–stream outer join's held records, a grace or suppression
/// buffer) deletes its oldest entries and scans again from the start. RocksDB keeps each delete as a tombstone until
/// compaction, and an iterator's seek to the start walks every one of them, so each scan cost grew with everything
/// ever expired (12.9% of the stream–stream left join's RocksDB row was <c>Iterator.Seek</c>, issue 19). Seeking from
/// the floor walks only the tombstones written since the last scan. Kafka's <c>RocksDBTimeOrderedKeyValueBuffer</c>
/// does the same with its <c>minTimestamp</c> (its scans start there, not at the buffer's start).
/// </para>
/// Rules: a scan that starts at or below the floor (or at the very start, when it is unknown) learns the first key it
/// finds (or that there is none); each committed put lowers it to its key; deletes leave it (still a lower bound);
/// discarding pending writes forgets it. Only the task's own store keeps one (it alone writes the task's keys;
/// read-only views see other commits).
/// </summary>
internal readonly struct CommittedFloor
{
    private CommittedFloor(byte[]? key)
    {
        Known = true;
        Key = key;
    }

    /// <summary>False until a scan learned it (default).</summary>
    public bool Known { get; }

    /// <summary>The smallest key RocksDB may hold; null (when <see cref="Known"/>): it holds none.</summary>
    public byte[]? Key { get; }

    /// <summary>RocksDB holds no key of the task.</summary>
    public static CommittedFloor Empty => new(null);

    /// <summary>RocksDB's first key of the task is <paramref name="key"/>.</summary>
    public static CommittedFloor At(byte[] key) => new(key);

    /// <summary>Whether a scan from <paramref name="lo"/> (null: the start) begins at or below the floor.</summary>
    public bool CanLearnFrom(byte[]? lo) =>
        lo is null || (Known && (Key is null || ByteArrayComparer.Instance.Compare(lo, Key) <= 0));

    /// <summary>Whether RocksDB certainly holds no <paramref name="key"/> (it is below the floor).</summary>
    public bool Excludes(ReadOnlySpan<byte> key) => Known && (Key is null || key.SequenceCompareTo(Key) < 0);

    /// <summary>Where a scan from <paramref name="lo"/> may seek: the floor when that is higher.</summary>
    public byte[]? SeekFrom(byte[]? lo) =>
        Known && Key is not null && (lo is null || ByteArrayComparer.Instance.Compare(lo, Key) < 0) ? Key : lo;

    /// <summary>The floor after a put of <paramref name="key"/> is committed.</summary>
    public CommittedFloor Lowered(byte[] key) =>
        !Known || (Key is not null && ByteArrayComparer.Instance.Compare(Key, key) <= 0) ? this : new(key);

    /// <summary>As above for a key in a reused buffer: copied only when it becomes the bound.</summary>
    public CommittedFloor Lowered(ReadOnlySpan<byte> key) =>
        !Known || (Key is not null && Key.AsSpan().SequenceCompareTo(key) <= 0) ? this : new(key.ToArray());
}
