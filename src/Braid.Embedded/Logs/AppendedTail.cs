using Braid.Internal;

namespace Braid.Embedded.Logs;

/// <summary>
/// The records a stream thread's sinks appended to a log in this process, kept as they were handed to
/// <see cref="PartitionLog.Append(IReadOnlyList{RawRecord}, bool)"/> (dense offsets, newest last), so the task that reads
/// the log next — a repartition topic's consumer, usually on the same thread — takes them without reading the file back,
/// checking each frame's checksum and decoding its key and value into new arrays (issue 19: the embedded runtime's
/// repartitions wrote, read and decoded every record). The log still holds every byte: it is what recovery, readers
/// (<see cref="TopicReader{TKey,TValue}"/> reads the file) and a restarted task see. The log's lock guards this.
/// <para><b>What may be shared.</b> A kept record's key and value are the arrays the sink's serializer made for it; the
/// task reading them gets those arrays instead of copies. Nothing in Braid writes into a record's bytes after a
/// serializer returned them (sinks, the log and sources only read them). Records with headers are not kept (a
/// <see cref="Headers"/> is mutable and processors may change the one of the record they process). What a reused array
/// changes: little. The reading task's source deserializes from a span (<c>Serde.Deserialize(ReadOnlySpan&lt;byte&gt;)</c>),
/// so its processors get new objects — even <c>Serdes.ByteArray</c> copies. The one place a consumer sees the writer's
/// arrays is a deserialization error: <c>SourceNode.HandleError</c> hands the raw key and value to the
/// <see cref="DeserializationExceptionHandler"/> in a <see cref="DeserializationErrorContext"/>, and those are then the
/// arrays the writing task's serializer made, not copies decoded from the file. A handler must not change them (its
/// XML docs say so): the arrays are shared, and no copy is made to protect them.</para>
/// <para><b>When it must forget.</b> Whenever the file's records at kept offsets may differ from the kept ones or stop
/// existing: a cut of uncommitted records (a failed commit's output is produced again, possibly different), a segment
/// swapped by the cleaner, retention deleting a segment, an append not kept (the offsets would stop being dense).</para>
/// </summary>
internal sealed class AppendedTail(string topic, int partition)
{
    /// <summary>The most records kept per log: the consumer runs about one commit behind the writer.</summary>
    public const int MaxRecords = 32 * 1024;

    /// <summary>The most key and value bytes kept per log.</summary>
    public const long MaxBytes = 16L << 20;

    private readonly List<RawRecord> _records = new();
    private int _head;
    private long _bytes;

    /// <summary>The offset of the oldest kept record (meaningful while <see cref="Count"/> &gt; 0).</summary>
    public long StartOffset { get; private set; }

    /// <summary>Records kept.</summary>
    public int Count => _records.Count - _head;

    /// <summary>The offset after the newest kept record.</summary>
    public long EndOffset => StartOffset + Count;

    /// <summary>Keeps a record appended at <paramref name="offset"/>; forgets the older ones when they would not stay dense.</summary>
    public void Add(in RawRecord record, long offset)
    {
        // Not kept: the kept records stay dense up to it, and the next one kept starts afresh (the check below).
        if (record.Headers is not null) return;
        if (Count == 0 || offset != EndOffset)
        {
            Clear();
            StartOffset = offset;
        }
        // As the file would give it: the log's own topic name and partition, the offset assigned.
        _records.Add(record with { Topic = topic, Partition = partition, Offset = offset });
        _bytes += Size(record);
        while (Count > MaxRecords || (_bytes > MaxBytes && Count > 1)) DropOldest();
    }

    /// <summary>
    /// Copies kept records from <paramref name="from"/> on, below <paramref name="limit"/>, at most <paramref name="max"/>,
    /// into <paramref name="into"/>; returns how many (0 when <paramref name="from"/> is not kept).
    /// </summary>
    public int Read(long from, long limit, int max, List<RawRecord> into)
    {
        if (Count == 0 || from < StartOffset || from >= EndOffset) return 0;
        long stop = Math.Min(Math.Min(limit, EndOffset), from + max);
        int n = 0;
        for (long o = from; o < stop; o++, n++) into.Add(_records[_head + (int)(o - StartOffset)]);
        return n;
    }

    /// <summary>
    /// Forgets the records below <paramref name="offset"/>: the task reads on from there (a task that rewinds to its last
    /// commit reads the file), and records it took must not outlive their processing in here — kept arrays the GC would
    /// otherwise promote to older generations, which costs more than decoding them again.
    /// </summary>
    public void DropBelow(long offset)
    {
        if (Count > 0 && offset >= EndOffset)
        {
            Clear();
            return;
        }
        while (Count > 0 && StartOffset < offset) DropOldest();
    }

    /// <summary>Forgets every kept record (the arrays go back to the GC).</summary>
    public void Clear()
    {
        _records.Clear();
        _head = 0;
        _bytes = 0;
    }

    private void DropOldest()
    {
        _bytes -= Size(_records[_head]);
        _records[_head] = default; // the arrays must not stay reachable from the dropped slot
        _head++;
        StartOffset++;
        // Compact now and then: amortized O(1) per record, and the list never grows past twice the cap.
        if (_head >= MaxRecords / 2 && _head * 2 >= _records.Count)
        {
            _records.RemoveRange(0, _head);
            _head = 0;
        }
    }

    private static long Size(in RawRecord r) => 64 + (r.Key?.Length ?? 0) + (r.Value?.Length ?? 0);
}
