namespace Braid.State;

/// <summary>Read access to a session store: aggregates per key and session window.</summary>
/// <typeparam name="TKey">The record key type.</typeparam>
/// <typeparam name="TValue">The aggregate type.</typeparam>
public interface IReadOnlySessionStore<TKey, TValue>
{
    /// <summary>
    /// The sessions of <paramref name="key"/> that end at or after <paramref name="earliestSessionEndTime"/>
    /// and start at or before <paramref name="latestSessionStartTime"/> (the sessions a record could merge
    /// with), ordered by end, then start. Expired sessions are never returned.
    /// </summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="earliestSessionEndTime">The lowest session end, inclusive.</param>
    /// <param name="latestSessionStartTime">The highest session start, inclusive.</param>
    /// <returns>A snapshot; the caller may write to the store while enumerating it.</returns>
    IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime);

    /// <summary>The aggregate of exactly this session. Absence is explicit: false, never a default value.</summary>
    /// <param name="key">The key (not null).</param>
    /// <param name="sessionStart">The session start.</param>
    /// <param name="sessionEnd">The session end.</param>
    /// <param name="value">The aggregate when found.</param>
    /// <returns>True when the session exists and has not expired.</returns>
    bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value);
}

/// <summary>
/// A session store, as Kafka's <c>SessionStore</c>: one value per (key, session start, session end),
/// kept for a retention period measured in stream time (the largest session end put so far). A session
/// is expired once its end is older than stream time minus retention.
/// </summary>
/// <typeparam name="TKey">The record key type.</typeparam>
/// <typeparam name="TValue">The aggregate type.</typeparam>
public interface ISessionStore<TKey, TValue> : IStateStore, IReadOnlySessionStore<TKey, TValue>
{
    /// <summary>Stores (or replaces) the value of a session.</summary>
    /// <param name="session">The key and session window (start &lt;= end).</param>
    /// <param name="value">The value (not null; use <see cref="Remove"/> to delete).</param>
    /// <returns>False when the session is already expired, so nothing was stored.</returns>
    bool Put(Windowed<TKey> session, TValue value);

    /// <summary>Deletes a session.</summary>
    /// <param name="session">The key and session window.</param>
    /// <returns>True when it existed.</returns>
    bool Remove(Windowed<TKey> session);

    /// <summary>
    /// The sessions of every key whose end lies in [<paramref name="earliestSessionEndTime"/>,
    /// <paramref name="latestSessionEndTime"/>], ordered by end, then serialized key bytes, then start
    /// (the order of Kafka's in-memory session store). Used to emit sessions as they close.
    /// </summary>
    /// <param name="earliestSessionEndTime">The lowest end, inclusive.</param>
    /// <param name="latestSessionEndTime">The highest end, inclusive.</param>
    /// <returns>A snapshot.</returns>
    IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessionsByEndTime(long earliestSessionEndTime, long latestSessionEndTime);

    /// <summary>The largest session end put so far (long.MinValue before the first put).</summary>
    long ObservedStreamTime { get; }

    /// <summary>How long sessions are kept: a session stays while <c>end &gt;= ObservedStreamTime - RetentionMs</c>.</summary>
    long RetentionMs { get; }
}
