using Braid.Internal.State;

namespace Braid.RocksDb;

#pragma warning disable CS8714 // Store keys may be of a nullable type parameter; every public entry point rejects null keys.

/// <summary>
/// Deletes of keys the caller knows present (<see cref="IDeleteKnown{TKey}"/>), and whether a scan read the pending-key index
/// since the last commit. Issue 19, s17-tl (timeline on RocksDB, perf of a pass): a Collect member's removal is a
/// <c>Delete</c> of an entry the value cache no longer held (~1.4M member entries, 65,536 cached), so each read RocksDB and
/// deserialized the member only to learn it existed — 7.9 % of the pass; and the member store's pending-key index, built by
/// the scans of the pass's first groups, was kept and maintained by every later put and delete (7 % of the pass) although
/// no scan read it again.
/// </summary>
internal sealed partial class RocksKeyValueStore<TKey, TValue> : IDeleteKnown<TKey>
{
    // A scan read the pending-key index since the last commit: Committed keeps it (emptied) only then.
    private bool _pendingIndexRead;

    /// <summary>Whether the pending-key index exists, kept up to date by every write (tests).</summary>
    internal bool HasPendingIndex => _pendingIndex is not null;

    public void DeleteKnown(TKey key) => Delete(key, knownPresent: true);
}
