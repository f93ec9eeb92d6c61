using Braid.Internal.State;
using Braid.State;

namespace Braid.Internal.Joins;

/// <summary>
/// The held non-joined records of one stream–stream join in a task (Kafka's <c>outerJoinStore</c> of KStreamKStreamJoin),
/// shared by its two sides: in memory, with the store seeing only the records still held at a commit.
/// <para>Why: most held records are released or matched within one commit interval. Written through, each cost a store
/// put, a delete and a place in the commit's walk of written keys, and its write-back cache churned the caches the window
/// stores beside it need (session 17's profile: ≈ 0.55 µs of the RocksDB left join's 2.2 µs/record). Deferred, a hold is
/// one dictionary insert, a match or release one removal, and the commit puts only what is still held
/// (<see cref="IPreCommit"/>; Kafka's moment is the record cache's flush before the commit, TaskManager.commit).</para>
/// <para>Deferred only when the store runs the hook (<see cref="IPreCommitStore"/>: RocksDB stores of a task state) and the
/// held set is known: a restored join reads its committed records from the store until its first full pass adopts them
/// (<see cref="Adopt"/>, <see cref="StartDeferring"/>). Otherwise (the test driver's in-memory store, a change-logged store
/// of the Kafka host) every call goes to the store as before. Bounded: a held set larger than the store's cache at a
/// commit (<see cref="IPreCommitStore.DeferredEntries"/>) goes back to the store, written through until the task is
/// rebuilt, so memory stays what the store would use (a long window of mostly unmatched records).</para>
/// <para>Crash safety: a deferred put or delete of the store is made in the pre-commit, before the commit's one atomic write;
/// a crash before that write loses the in-memory held set together with the input offsets that produced it (they are
/// re-read), and a crash after it restores exactly the records held at the commit.</para>
/// </summary>
internal sealed class HeldRecords<TKey, TLeft, TRight> : IPreCommit
{
    private readonly IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>> _store;
    private readonly Dictionary<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>> _live = new();
    // Keys held (or changed) since the last commit, in hold order; gone ones are skipped by the pre-commit.
    private readonly List<KeyValuePair<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>>> _unstored = new();
    private readonly bool _hooked;
    // Held keys kept in memory past a commit at most (the store's cache size): beyond, the held set goes back to the store.
    private readonly int _limit;

    public HeldRecords(IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>> store, bool known)
    {
        _store = store;
        if (store is IPreCommitStore hooks)
        {
            hooks.AddPreCommit(this);
            _hooked = true;
            _limit = hooks.DeferredEntries;
        }
        Deferred = _hooked && known;
    }

    /// <summary>Whether the held set lives here (true) or in the store (false: written through).</summary>
    public bool Deferred { get; private set; }

    /// <summary>The store, for a restored join's full pass (only while not <see cref="Deferred"/>).</summary>
    public IKeyValueStore<NonJoinedKey<TKey>, NonJoinedValues<TLeft, TRight>> Store => _store;

    /// <summary>Held keys in memory (tests).</summary>
    internal int LiveCount => _live.Count;

    public bool TryGet(NonJoinedKey<TKey> key, out NonJoinedValues<TLeft, TRight> values)
    {
        if (Deferred) return _live.TryGetValue(key, out values!);
        return _store.TryGet(key, out values!);
    }

    public bool Contains(NonJoinedKey<TKey> key) => Deferred ? _live.ContainsKey(key) : _store.TryGet(key, out _);

    /// <summary>A key's values were created (<paramref name="added"/>) or appended to.</summary>
    public void Put(NonJoinedKey<TKey> key, NonJoinedValues<TLeft, TRight> values, bool added)
    {
        if (!Deferred)
        {
            _store.Put(key, values);
            return;
        }
        if (added) _live.Add(key, values);
        if ((values.Held & HeldState.Unstored) != 0) return;
        values.Held |= HeldState.Unstored;
        _unstored.Add(new(key, values));
    }

    /// <summary>The key was released or matched away (absent keys: nothing happens).</summary>
    public void Delete(NonJoinedKey<TKey> key)
    {
        if (!Deferred)
        {
            _store.Delete(key);
            return;
        }
        if (!_live.Remove(key, out var values)) return;
        values.Held |= HeldState.Gone;
        // Only a key a commit wrote (or this commit's pre-commit will write) is in the store: it must leave it.
        // A pending delete like any other store write: durable with the next commit, with the offsets that released it.
        if ((values.Held & HeldState.Stored) != 0) _store.Delete(key);
    }

    /// <summary>A restored join's full pass found <paramref name="key"/> still held in the store.</summary>
    public void Adopt(NonJoinedKey<TKey> key, NonJoinedValues<TLeft, TRight> values)
    {
        if (!_hooked || Deferred) return;
        values.Held = HeldState.Stored;
        _live[key] = values;
    }

    /// <summary>The full pass adopted every held key: from now on the held set lives here.</summary>
    public void StartDeferring()
    {
        if (_hooked) Deferred = true;
    }

    /// <summary>Whether the held set outgrew the store's cache and went back to the store (tests).</summary>
    internal bool Overflowed { get; private set; }

    public void PreCommit()
    {
        foreach (var (key, values) in _unstored)
        {
            if ((values.Held & HeldState.Gone) != 0) continue;
            _store.Put(key, values);
            values.Held = HeldState.Stored;
        }
        _unstored.Clear();
        if (!Deferred || _live.Count <= _limit) return;
        // The held set outgrew what the store would keep in memory (a long window of mostly unmatched records): every
        // held key is now in the store (committed, or put above into this commit's batch), so the store can be the truth
        // again, as it was before session 18 and is in Kafka (outerJoinStore on RocksDB behind a bounded cache). Written
        // through from here until the task is rebuilt; a crash is safe as above: the store equals the held set.
        Deferred = false;
        Overflowed = true;
        _live.Clear();
    }
}
