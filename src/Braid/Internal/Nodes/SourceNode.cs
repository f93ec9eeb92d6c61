using System.Runtime.CompilerServices;
using System.Text;
using Braid.Internal.State;
using Braid.Serialization;

namespace Braid.Internal.Nodes;

internal interface ISourceNode
{
    string Name { get; }

    void ProcessRaw(in RawRecord record);
}

/// <summary>
/// Turns topic bytes into typed records — the only place input is deserialized. Failures go to the
/// configured <see cref="DeserializationExceptionHandler"/>; a skipped record is counted, never silent.
/// </summary>
internal sealed class SourceNode<TKey, TValue> : ProcessorNode<TKey, TValue, TKey, TValue>, ISourceNode
{
    private static readonly bool ValueCanBeNull = !typeof(TValue).IsValueType || Nullable.GetUnderlyingType(typeof(TValue)) is not null;
    private static readonly bool KeyCanBeNull = !typeof(TKey).IsValueType || Nullable.GetUnderlyingType(typeof(TKey)) is not null;
    private readonly Serde<TKey> _keySerde;
    private readonly Serde<TValue> _valueSerde;
    private string? _lastTopic, _serdeTopic; // the last input topic and its name as the host reads it (Kafka: <application id>-<name> if internal)
    private const int StackKeyBytes = 128;
    private IStoredStringKeys? _storedKeys; // string keys with the string serde, read by the only child from a store: see DecodeKey
    private bool _storedKeysFound;

    public SourceNode(string name, Serde<TKey> keySerde, Serde<TValue> valueSerde) : base(name)
    {
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    public override void Process(in Record<TKey, TValue> record) => Forward(record);

    /// <summary>A record of an internal topic handed over as objects by a sink of the same task (no bytes to
    /// decode, so no deserialization error can occur).</summary>
    public void ProcessHandedOff(TKey? key, TValue? value, long timestamp, Headers? headers) =>
        Forward(new Record<TKey, TValue>(key, value, timestamp, headers));

    public void ProcessRaw(in RawRecord r)
    {
        TKey? key;
        TValue? value;
        if (!ReferenceEquals(r.Topic, _lastTopic)) (_lastTopic, _serdeTopic) = (r.Topic, Context.Collector.SerdeTopic(r.Topic));
        string serdeTopic = _serdeTopic!;
        try
        {
            if (r.Key is null)
            {
                if (!KeyCanBeNull) throw new SerializationException($"null key for non-nullable key type {typeof(TKey).Name}.");
                key = default;
            }
            else if (r.Key.Length <= StackKeyBytes && StoredKeys() is { } stored) key = DecodeKey(stored, r.Key);
            else key = _keySerde.Deserialize(r.Key, new SerdeContext(serdeTopic, SerdeTarget.Key, r.Headers));
            if (r.Value is null)
            {
                if (!ValueCanBeNull)
                    throw new SerializationException($"null value (tombstone) for non-nullable value type {typeof(TValue).Name}; use {typeof(TValue).Name}? as the value type.");
                value = default;
            }
            else value = _valueSerde.Deserialize(r.Value, new SerdeContext(serdeTopic, SerdeTarget.Value, r.Headers));
        }
        catch (Exception e)
        {
            HandleError(r, e);
            return;
        }
        Forward(new Record<TKey, TValue>(key, value, r.Timestamp, r.Headers));
    }

    // Found on the first record, once every node of the task is initialized (the child's store is known then).
    private IStoredStringKeys? StoredKeys()
    {
        if (!_storedKeysFound)
        {
            // Only the built-in string serde: its bytes are UTF-8, decoded exactly as DecodeKey does (invalid sequences
            // become U+FFFD), and it reads no context; a user's serde may do anything.
            bool utf8Keys = typeof(TKey) == typeof(string) && ReferenceEquals(_keySerde, Serdes.String);
            _storedKeys = utf8Keys && Children is [IStoredKeysReader reader] ? reader.StoredKeys : null;
            _storedKeysFound = true;
        }
        return _storedKeys;
    }

    /// <summary>
    /// The key as the string serde decodes it, without a new string when the store the only child reads already holds
    /// an equal key: that instance is forwarded (strings are immutable, so which equal instance a record carries is not
    /// observable, except through reference equality, which Kafka's byte keys do not have either). The child's lookup
    /// then finds its key by reference. A key the store lacks is made from the decoded characters.
    /// </summary>
    private static TKey DecodeKey(IStoredStringKeys stored, byte[] bytes)
    {
        // UTF-8 gives at most one UTF-16 unit per byte (a 4-byte sequence gives 2; an invalid byte one U+FFFD).
        Span<char> chars = stackalloc char[StackKeyBytes];
        int n = Encoding.UTF8.GetChars(bytes, chars);
        var decoded = chars[..n];
        string key = stored.TryGetStoredKey(decoded, out var storedKey) ? storedKey : new string(decoded);
        return Unsafe.As<string, TKey>(ref key);
    }

    private void HandleError(in RawRecord r, Exception e)
    {
        var ctx = new DeserializationErrorContext(r.Topic, r.Partition, r.Offset, r.Key, r.Value, r.Timestamp, r.Headers, Name, e);
        DeserializationHandlerResult result;
        try
        {
            result = Context.Config.DeserializationExceptionHandler.Handle(ctx);
        }
        catch (Exception handlerError)
        {
            throw new StreamsException($"The deserialization handler itself failed for {r.Topic}-{r.Partition}@{r.Offset}.", handlerError);
        }
        if (result.Response == DeserializationHandlerResponse.Fail)
        {
            throw new StreamsException(
                $"Could not deserialize the record at {r.Topic}-{r.Partition}@{r.Offset} (source '{Name}'): {e.Message} " +
                "Fix the producer or configure a DeserializationExceptionHandler (log-and-continue or dead-letter).", e);
        }
        foreach (var dl in result.DeadLetters)
            Context.Collector.Send(dl.Topic, dl.Key, dl.Value, dl.Timestamp, dl.Headers, null);
        Context.RecordDropped(Name, "deserialization-error");
    }
}
