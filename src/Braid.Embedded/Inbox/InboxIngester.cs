using System.Globalization;
using Braid.Embedded.Logs;
using Braid.Embedded.Logs.Files;
using Braid.Embedded.Runtime;
using Braid.Internal;
using Braid.Internal.Faults;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded;

/// <summary>
/// Takes the batches <see cref="InboxProducer{TKey, TValue}"/>s published under <c>inbox/&lt;topic&gt;/&lt;partition&gt;/</c>
/// into the topic's log, exactly once across crashes. Per batch, under the partition log's lock (so no other
/// append interleaves): (1) rename <c>name.batch</c> to <c>name.ingesting-&lt;log end&gt;</c>, recording where its
/// records start; (2) append and publish them; (3) fsync the log under PowerLoss durability; (4) delete the file.
/// After a crash, an <c>.ingesting-S</c> file means its first <c>min(count, end - S)</c> records are already in the
/// log (appends keep order, recovery keeps a prefix): only the rest is appended. A crash before (1) leaves a
/// batch to take in whole; after (4) nothing is left. Kafka's idempotent producer keeps the same promise with
/// sequence numbers in the log (ProducerStateManager); here the file name carries the start offset.
/// </summary>
internal sealed class InboxIngester(string appDirectory, LogManager logs, LogActivity activity, bool powerLoss, ILogger logger) : IDisposable
{
    public const string DirectoryName = "inbox";

    /// <summary>How often a running application looks for new batches (a directory listing per input partition).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Polls until disposed; a failure (damaged batch, I/O error) stops the loop and goes to <paramref name="fail"/>.</summary>
    public void Start(Action<Exception> fail) => _loop = Task.Run(async () =>
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                IngestAll();
                await Task.Delay(PollInterval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // closing
        }
        catch (Exception e)
        {
            // Never a silent stop: the application fails naming the batch (the file stays for the next start).
            fail(e);
        }
    });

    public void Dispose() => BackgroundLoops.Stop(_stop, _loop, TimeSpan.FromSeconds(30));

    public const string BatchSuffix = ".batch";
    public const string TemporarySuffix = ".tmp";
    private const string IngestingMarker = ".ingesting-";

    /// <summary>Takes in every published batch of every input topic; returns how many records were appended.</summary>
    public long IngestAll()
    {
        string root = Path.Combine(appDirectory, DirectoryName);
        if (!Directory.Exists(root)) return 0;
        long appended = 0;
        foreach (string topicDir in Directory.GetDirectories(root))
        {
            string topic = Path.GetFileName(topicDir);
            if (!logs.TryGet(topic, out var log)) continue; // a topic the application opens on first use: taken in then
            if (log.WrittenByApplication)
                throw new InvalidOperationException($"The inbox {topicDir} targets topic '{topic}', which the topology writes; only input topics take produced records.");
            foreach (string partitionDir in Directory.GetDirectories(topicDir))
            {
                if (!int.TryParse(Path.GetFileName(partitionDir), NumberStyles.None, CultureInfo.InvariantCulture, out int p)) continue;
                if (p >= log.Partitions.Length)
                    throw new InvalidOperationException($"The inbox {partitionDir} targets partition {p} of topic '{topic}', which has {log.Partitions.Length} partitions.");
                appended += IngestPartition(log.Partitions[p], partitionDir);
            }
        }
        if (appended > 0) activity.Signal();
        return appended;
    }

    private long IngestPartition(PartitionLog log, string dir)
    {
        // Ordinal order: a producer's batches in sequence; an interrupted one sorts with its original name.
        var files = Directory.GetFiles(dir).Where(f => !f.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            .OrderBy(f => BatchName(f), StringComparer.Ordinal).ToList();
        long appended = 0;
        foreach (string file in files)
        {
            lock (log.SyncRoot)
            {
                string name = BatchName(file);
                long start;
                string ingesting;
                if (file.EndsWith(BatchSuffix, StringComparison.Ordinal))
                {
                    start = log.EndOffset;
                    ingesting = Path.Combine(dir, name + IngestingMarker + start.ToString(CultureInfo.InvariantCulture));
                    File.Move(file, ingesting);
                    if (powerLoss) LogFileSystem.Real.SyncDirectory(dir); // the start offset must be durable before the records are
                    Failpoints.Hit(EmbeddedFailpoints.InboxAfterRename);
                }
                else
                {
                    int at = file.LastIndexOf(IngestingMarker, StringComparison.Ordinal);
                    if (at < 0 || !long.TryParse(file.AsSpan(at + IngestingMarker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out start)) continue;
                    ingesting = file;
                }
                var records = Read(ingesting, log);
                // Records already in the log from an interrupted take-in (a prefix: appends keep order).
                int present = (int)Math.Clamp(log.EndOffset - start, 0, records.Count);
                if (present < records.Count)
                {
                    log.AppendAndPublish(records.GetRange(present, records.Count - present));
                    appended += records.Count - present;
                }
                if (powerLoss) log.Sync(); // the file is the only other copy: keep it until the log is durable
                Failpoints.Hit(EmbeddedFailpoints.InboxAfterAppend);
                File.Delete(ingesting);
                if (present > 0) logger.LogWarning("Inbox {File}: {Present} of {Count} records were already in {Topic}-{Partition} from an interrupted take-in; appended the rest.", ingesting, present, records.Count, log.Topic, log.Partition);
            }
        }
        return appended;
    }

    private static string BatchName(string file)
    {
        string name = Path.GetFileName(file);
        int at = name.LastIndexOf(IngestingMarker, StringComparison.Ordinal);
        if (at >= 0) return name[..at];
        return name.EndsWith(BatchSuffix, StringComparison.Ordinal) ? name[..^BatchSuffix.Length] : name;
    }

    private static List<RawRecord> Read(string file, PartitionLog log)
    {
        var bytes = File.ReadAllBytes(file);
        var records = new List<RawRecord>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            // A published batch was fsynced before its rename: damage here is a damaged disk, never a torn write.
            if (RecordFormat.Check(bytes.AsSpan(pos), out int size) != RecordFormat.ReadStatus.Ok)
                throw new CorruptLogException(file, pos, $"an inbox batch for {log.Topic}-{log.Partition} has a damaged record; move the file away to go on without it.");
            records.Add(RecordFormat.Decode(bytes.AsSpan(pos, size), log.Topic, log.Partition));
            pos += size;
        }
        return records;
    }
}
