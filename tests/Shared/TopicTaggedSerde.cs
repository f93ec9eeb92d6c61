using System.Text;
using Braid.Serialization;

namespace Braid.Tests.Shared;

/// <summary>
/// Behaves as a Schema Registry serde does where it matters to routing: it refuses to work without a topic context,
/// and its bytes depend on the topic and on key-or-value (a schema id per subject). Linked into the test projects
/// that check the context reaches a serde through wrappers, repartitions and key routing.
/// </summary>
internal sealed class TopicTaggedSerde(bool writesHeaders = false) : Serde<string>
{
    public override bool WritesHeaders => writesHeaders;

    public override byte[] Serialize(string value) => throw new InvalidOperationException("no topic context (a Schema Registry serde would fail here)");

    public override string Deserialize(ReadOnlySpan<byte> data) => throw new InvalidOperationException("no topic context");

    public override byte[] Serialize(string value, SerdeContext context) => Encoding.UTF8.GetBytes($"{context.Topic}/{context.Target}|{value}");

    public override string Deserialize(ReadOnlySpan<byte> data, SerdeContext context)
    {
        string s = Encoding.UTF8.GetString(data), prefix = $"{context.Topic}/{context.Target}|";
        return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : throw new SerializationException($"'{s}' was written for another topic than {prefix}");
    }
}
