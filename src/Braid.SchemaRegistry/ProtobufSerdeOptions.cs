namespace Braid.SchemaRegistry;

/// <summary>Settings of <see cref="SchemaRegistrySerdes.Protobuf{T}"/>.</summary>
public sealed class ProtobufSerdeOptions
{
    /// <summary>
    /// Register the message's schema (and its imports) on first use; when false the schema must already be
    /// registered under the subject, and a missing one fails the record with the registry's error. Default true.
    /// </summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>
    /// Names the subject from the topic and whether the serde converts the key; default Confluent's
    /// TopicNameStrategy (<c>topic-key</c> / <c>topic-value</c>).
    /// </summary>
    public Func<string, bool, string> SubjectName { get; init; } = (topic, isKey) => topic + (isKey ? "-key" : "-value");
}
