namespace Braid.Internal.State.Logging;

/// <summary>
/// Where a logged store's changed bytes go — the one thing that differs between hosts: the Kafka host sends them to
/// the store's changelog partition through the task's (transactional) producer; a journal backend keeps them
/// pending until its next commit. The bytes are the changelog format (<see cref="ChangelogKeys"/>); a null value is
/// a tombstone.
/// </summary>
internal interface IChangeSink
{
    /// <summary>The timestamp a change carries when the store write itself has none (key–value stores): the
    /// timestamp of the record being processed, as Kafka's ChangeLoggingKeyValueBytesStore logs <c>context.timestamp()</c>.</summary>
    long CurrentTimestamp { get; }

    /// <summary>Records one change. It must not be durable before the task's next commit (see the callers' notes).</summary>
    void Log(byte[] key, byte[]? value, long timestamp);
}
