namespace Braid.Internal;

/// <summary>
/// Where sink nodes send serialized records. The host decides what a send means: a list in the test
/// driver, an append to a local log in the embedded runtime, a produce call on Kafka.
/// </summary>
internal interface IRecordCollector
{
    /// <param name="topic">The (already resolved) topic name.</param>
    /// <param name="key">Key bytes; null for a null key.</param>
    /// <param name="value">Value bytes; null for a tombstone.</param>
    /// <param name="timestamp">The record timestamp.</param>
    /// <param name="headers">The headers, if any.</param>
    /// <param name="partition">An explicit partition chosen by a user partitioner, else null (host default).</param>
    void Send(string topic, byte[]? key, byte[]? value, long timestamp, Headers? headers, int? partition);

    /// <summary>
    /// The topic name serdes are given (<see cref="Serialization.SerdeContext.Topic"/>) for a topic of the topology: the
    /// name it has where records are written. The Kafka host names internal topics <c>&lt;application id&gt;-&lt;name&gt;</c>
    /// on the cluster (as Kafka Streams does), so a Schema Registry serde derives the same subjects as Kafka Streams';
    /// the other hosts use the topology's names.
    /// </summary>
    string SerdeTopic(string topic) => topic;
}
