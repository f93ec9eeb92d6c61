namespace Braid.Internal.Windowed;

/// <summary>
/// One held update: the latest change of a key (with its record's timestamp and headers), the value before
/// the first held update (prior), and when it may leave.
/// </summary>
internal sealed record BufferEntry<TKey, TValue>(TKey Key, TValue? Value, bool HasValue, TValue? Prior, bool HasPrior, long Timestamp, long BufferTime,
    Headers? Headers = null);
