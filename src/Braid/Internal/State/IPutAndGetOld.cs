namespace Braid.Internal.State;

/// <summary>
/// A key–value store that can put a value and return the one it replaced in one lookup. A table source reads the
/// old value of every update (its change carries it) and then writes the new one: through this it touches the
/// key once instead of twice. Stores without it (the change-logging decorator, the shared-reads wrapper of global stores) take the two calls.
/// </summary>
internal interface IPutAndGetOld<TKey, TValue>
{
    /// <summary>Puts <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <returns>True, with the value it replaced in <paramref name="old"/>, when the key was present.</returns>
    bool PutAndGetOld(TKey key, TValue value, out TValue old);
}
