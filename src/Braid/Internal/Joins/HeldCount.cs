namespace Braid.Internal.Joins;

/// <summary>
/// The held store of a join where only one side holds records (a left join), counted by its operators: how many
/// keys it holds, the largest held timestamp and how many keys carry it.
/// <para>Why: Kafka's emit pass (KStreamKStreamJoin.emitNonJoinedOuterRecords) iterates the whole store and leaves
/// <c>minTime</c> at the last key's timestamp. With one holding side no key after the first still-open one can be
/// emitted (they are open too: keys are timestamp-first and share one look-back), so a pass needs only the expired
/// keys and the last key's timestamp — which this count gives without reading the store (issue 19: copying every held
/// record per pass was a fifth of the RocksDB left join). Unknown after a restore or when the keys at the largest
/// timestamp were all deleted (then only an upper bound is left): the next pass reads the whole store, as before, and
/// recounts.</para>
/// </summary>
internal sealed class HeldCount
{
    /// <summary>Whether <see cref="Count"/> is exact (false after a restore until a full pass recounts).</summary>
    public bool Known { get; private set; } = true;

    /// <summary>Keys held.</summary>
    public long Count { get; private set; }

    /// <summary>Largest timestamp held, or an upper bound of them when <see cref="AtMax"/> is 0.</summary>
    public long MaxTs { get; private set; } = long.MinValue;

    /// <summary>Keys held at <see cref="MaxTs"/>.</summary>
    public long AtMax { get; private set; }

    /// <summary>The last key's timestamp is known: the store is empty, or some key is held at <see cref="MaxTs"/>.</summary>
    public bool LastKnown => Known && (Count == 0 || AtMax > 0);

    /// <summary>A new key was held at <paramref name="ts"/>.</summary>
    public void Added(long ts)
    {
        if (!Known) return;
        Count++;
        if (ts > MaxTs || Count == 1)
        {
            MaxTs = ts;
            AtMax = 1;
        }
        else if (ts == MaxTs) AtMax++;
    }

    /// <summary>A held key at <paramref name="ts"/> was deleted (a match, or emitted).</summary>
    public void Removed(long ts)
    {
        if (!Known) return;
        if (--Count < 0)
        {
            Forget(); // a store changed behind the operators: recount
            return;
        }
        if (ts == MaxTs && AtMax > 0) AtMax--;
    }

    /// <summary>Sets the count from a full read of the store: <paramref name="count"/> keys, the last at <paramref name="lastTs"/> with <paramref name="atLast"/> keys.</summary>
    public void Recount(long count, long lastTs, long atLast)
    {
        Known = true;
        Count = count;
        MaxTs = count == 0 ? long.MinValue : lastTs;
        AtMax = count == 0 ? 0 : atLast;
    }

    /// <summary>The count no longer matches the store (restored from elsewhere).</summary>
    public void Forget()
    {
        Known = false;
        Count = 0;
        MaxTs = long.MinValue;
        AtMax = 0;
    }
}
