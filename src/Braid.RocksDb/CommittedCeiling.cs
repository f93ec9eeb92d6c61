namespace Braid.RocksDb;

/// <summary>
/// An upper bound of the keys a key–value store holds in RocksDB for its task: RocksDB holds no key of the task above
/// <see cref="Key"/> (serialized, without the task prefix), or none at all when <see cref="Key"/> is null.
/// <para>
/// Why: a time-ordered buffer (a stream–stream outer join's held records) looks up each new key before writing it, and
/// its new keys are the newest, above every committed one. A point read of an absent key still costs RocksDB a search
/// of every memtable and level the Bloom filters do not rule out (about half of the join's <c>Hold</c> in the
/// stream–stream left row's profile, issue 19); a key above the ceiling is known absent without it.
/// </para>
/// Rules (the mirror of <see cref="CommittedFloor"/>): learned once by a seek to the task's last key; each committed
/// put raises it to its key; deletes leave it (still an upper bound); discarding pending writes forgets it. Only the
/// task's own store keeps one.
/// </summary>
internal readonly struct CommittedCeiling
{
    private CommittedCeiling(byte[]? key)
    {
        Known = true;
        Key = key;
    }

    /// <summary>False until learned (default).</summary>
    public bool Known { get; }

    /// <summary>The largest key RocksDB may hold; null (when <see cref="Known"/>): it holds none.</summary>
    public byte[]? Key { get; }

    public static CommittedCeiling Empty => new(null);

    public static CommittedCeiling At(byte[] key) => new(key);

    /// <summary>Whether RocksDB certainly holds no <paramref name="key"/> (it is above the ceiling).</summary>
    public bool Excludes(ReadOnlySpan<byte> key) => Known && (Key is null || key.SequenceCompareTo(Key) > 0);

    /// <summary>The ceiling after a put of <paramref name="key"/> is committed.</summary>
    public CommittedCeiling Raised(byte[] key) =>
        !Known || (Key is not null && ByteArrayComparer.Instance.Compare(Key, key) >= 0) ? this : new(key);

    /// <summary>As above for a key in a reused buffer: copied only when it becomes the bound.</summary>
    public CommittedCeiling Raised(ReadOnlySpan<byte> key) =>
        !Known || (Key is not null && Key.AsSpan().SequenceCompareTo(key) >= 0) ? this : new(key.ToArray());
}
