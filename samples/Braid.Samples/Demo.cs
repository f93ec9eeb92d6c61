using System.Globalization;
using Braid.Serialization;

namespace Braid.Samples;

/// <summary>
/// One of the seed examples: what it shows, and one or more scripts (a topology plus the sample
/// records piped into it). A demo knows nothing about the host that runs it, so the same demo runs
/// in the TopologyTestDriver (acceptance tests) and on the embedded runtime (<c>braid demo</c>).
/// </summary>
public sealed record Demo(string Name, string Title, string Explanation, IReadOnlyList<DemoScript> Scripts);

/// <summary>
/// A topology, the steps to run against it in order, the topics whose output is shown, optionally the
/// one output topic that is a table (shown again as its final state), and what topics must keep.
/// </summary>
public sealed record DemoScript(
    string Title,
    Func<Topology> BuildTopology,
    IReadOnlyList<DemoStep> Steps,
    IReadOnlyList<IDemoTopic> Outputs,
    string? TableTopic = null,
    IReadOnlyDictionary<string, TopicRetention>? Retention = null);

/// <summary>What a topic must keep, for hosts whose topics are theirs to create (embedded, Kafka).</summary>
public enum TopicRetention
{
    /// <summary>Only the latest value per key matters: the topic may be compacted.</summary>
    LatestPerKey,

    /// <summary>Every record is needed (the input of a versioned table): never compact.</summary>
    FullHistory,
}

/// <summary>A step of a script: an input record, or an interactive query against a store.</summary>
public abstract record DemoStep(string? Note);

/// <summary>A record to produce into an input topic, already serialized, with its display form.</summary>
public sealed record DemoInput(string Topic, byte[]? Key, byte[]? Value, long Timestamp, string KeyText, string ValueText, string? Note)
    : DemoStep(Note);

/// <summary>
/// An interactive query made between two inputs, the way an application reads a store while it runs:
/// <see cref="Ask"/> gets the store reader and returns the answer as text.
/// </summary>
public sealed record DemoQuery(string Question, Func<IDemoStores, string> Ask, string? Note = null) : DemoStep(Note);

/// <summary>What a demo may ask of the host's stores.</summary>
public interface IDemoStores
{
    /// <summary>The current value of <paramref name="key"/> in a table's store, or null when the key is absent.</summary>
    TValue? Get<TKey, TValue>(string store, TKey key) where TValue : class;
}

/// <summary>A topic whose records the demo shows, decoded from bytes into display text.</summary>
public interface IDemoTopic
{
    /// <summary>The topic name.</summary>
    string Name { get; }

    /// <summary>Decodes one record of the topic for display; a null value stays null (a tombstone).</summary>
    DemoOutput Decode(byte[]? key, byte[]? value, long timestamp);
}

/// <summary>A record a topology wrote, as text; <see cref="Value"/> is null for a tombstone.</summary>
public sealed record DemoOutput(string Topic, string Key, string? Value, long Timestamp)
{
    /// <summary>One line, as the acceptance tests compare it: "topic key → value @hh:mm:ss".</summary>
    public override string ToString() => $"{Topic} {Key} → {Value ?? DemoText.Tombstone} @{DemoClock.Show(Timestamp)}";
}

/// <summary>A typed topic of a demo: serdes plus how keys and values read to a person.</summary>
public sealed class DemoTopic<TKey, TValue>(
    string name, Serde<TKey> keySerde, Serde<TValue> valueSerde,
    Func<TValue, string>? showValue = null, Func<TKey, string>? showKey = null) : IDemoTopic
{
    private readonly Func<TValue, string> _showValue = showValue ?? (v => v?.ToString() ?? "");
    private readonly Func<TKey, string> _showKey = showKey ?? (k => k?.ToString() ?? "");

    /// <inheritdoc />
    public string Name => name;

    /// <summary>The key serde.</summary>
    public Serde<TKey> KeySerde => keySerde;

    /// <summary>The value serde.</summary>
    public Serde<TValue> ValueSerde => valueSerde;

    /// <summary>A record for this topic; a null value is a tombstone (for a table) or a null-value record.</summary>
    public DemoInput Record(TKey key, TValue? value, long timestamp, string? note = null) =>
        new(name, keySerde.Serialize(key), value is null ? null : valueSerde.Serialize(value), timestamp,
            _showKey(key), value is null ? DemoText.Tombstone : _showValue(value), note);

    /// <inheritdoc />
    public DemoOutput Decode(byte[]? key, byte[]? value, long timestamp) =>
        new(name,
            key is null ? "(null)" : _showKey(keySerde.Deserialize(key)),
            value is null ? null : _showValue(valueSerde.Deserialize(value)),
            timestamp);
}

/// <summary>Words shared by every demo's display.</summary>
public static class DemoText
{
    /// <summary>How a null value (a delete) is shown.</summary>
    public const string Tombstone = "(tombstone)";
}

/// <summary>
/// Demo time: every sample happens on 1 January 2021 from 12:00 UTC (the seed note's example date),
/// so timestamps read as clock times instead of raw milliseconds.
/// </summary>
public static class DemoClock
{
    /// <summary>12:00:00 UTC on 2021-01-01, in epoch milliseconds.</summary>
    public static readonly long Noon = new DateTimeOffset(2021, 1, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The epoch-millisecond timestamp <paramref name="minutes"/>:<paramref name="seconds"/> after noon.</summary>
    public static long At(int minutes, int seconds = 0) => Noon + (minutes * 60L + seconds) * 1000L;

    /// <summary>A timestamp as "HH:mm:ss" (UTC).</summary>
    public static string Show(long timestamp) =>
        DateTimeOffset.FromUnixTimeMilliseconds(timestamp).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
