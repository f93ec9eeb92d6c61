namespace Braid.SchemaRegistry;

/// <summary>Copies Braid headers into Confluent's header list (Confluent's serdes read and write those).</summary>
internal static class ConfluentHeaders
{
    public static Confluent.Kafka.Headers? From(Braid.Headers? headers)
    {
        if (headers is null) return null;
        var copy = new Confluent.Kafka.Headers();
        foreach (var h in headers) copy.Add(h.Key, h.Value);
        return copy;
    }
}
