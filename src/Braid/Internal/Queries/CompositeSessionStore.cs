using Braid.State;

namespace Braid.Internal.Queries;

/// <summary>One read-only session store over the partitions a host resolves on every call (see <see cref="CompositeKeyValueStore{TKey,TValue}"/>).</summary>
internal sealed class CompositeSessionStore<TKey, TValue>(Func<IReadOnlyList<StorePart>> parts) : IReadOnlySessionStore<TKey, TValue>
{
    public IReadOnlyList<KeyValue<Windowed<TKey>, TValue>> FindSessions(TKey key, long earliestSessionEndTime, long latestSessionStartTime) =>
        parts().SelectMany(p => p.Read((IReadOnlySessionStore<TKey, TValue> s) => s.FindSessions(key, earliestSessionEndTime, latestSessionStartTime).ToList()))
            .OrderBy(kv => kv.Key.Window.End).ThenBy(kv => kv.Key.Window.Start).ToList();

    public bool TryFetchSession(TKey key, long sessionStart, long sessionEnd, out TValue value)
    {
        foreach (var p in parts())
        {
            var (found, v) = p.Read((IReadOnlySessionStore<TKey, TValue> s) => s.TryFetchSession(key, sessionStart, sessionEnd, out var x) ? (true, x) : (false, default!));
            if (found)
            {
                value = v;
                return true;
            }
        }
        value = default!;
        return false;
    }
}
