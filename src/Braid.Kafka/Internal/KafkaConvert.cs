namespace Braid.Kafka.Internal;

/// <summary>Header conversion between Braid and Confluent.Kafka (the only two places records change shape).</summary>
internal static class KafkaConvert
{
    public static Headers? ToBraid(Confluent.Kafka.Headers? headers)
    {
        if (headers is null || headers.Count == 0) return null;
        var h = new Headers();
        foreach (var x in headers) h.Add(x.Key, x.GetValueBytes());
        return h;
    }

    public static Confluent.Kafka.Headers? ToKafka(Headers? headers)
    {
        if (headers is null || headers.Count == 0) return null;
        var h = new Confluent.Kafka.Headers();
        foreach (var x in headers) h.Add(x.Key, x.Value);
        return h;
    }
}
