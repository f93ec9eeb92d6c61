namespace Braid.Internal.Joins;

/// <summary>
/// One entry of the stream–table grace buffer (keys: <see cref="State.TimeFirstKey"/> with a sequence): a held stream
/// record, or (under <see cref="State.TimeFirstKey.Meta"/>) the buffer's own time, kept in the store so that a
/// restored buffer resumes with the same time.
/// </summary>
internal sealed record GraceBufferEntry<TKey, TValue>(TKey? Key, TValue? Value, long Timestamp, Headers? Headers);
