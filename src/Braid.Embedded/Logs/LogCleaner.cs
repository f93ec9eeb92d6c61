using System.IO.Hashing;
using Braid.Embedded.Runtime;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Logs;

/// <summary>
/// Background upkeep of local topics, as Kafka's log cleaner and retention: Delete-policy topics lose
/// whole sealed segments past their time or size limit; Compact-policy topics have each sealed segment
/// rewritten to keep only records that are still the latest for their key (and the segment's last record). KeepAll topics are never
/// touched. Only records below the visible end are considered (never uncommitted ones), and the active
/// segment is never rewritten.
/// </summary>
internal sealed class LogCleaner(LogManager logs, TimeSpan interval, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                RunOnce(logs.Clock.GetUtcNow().ToUnixTimeMilliseconds());
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Log cleaner pass failed; it will retry.");
            }
        }
    });

    public void RunOnce(long nowMs)
    {
        List<TopicLog> topics;
        lock (logs.Topics) topics = logs.Topics.Values.ToList();
        foreach (var topic in topics)
        {
            foreach (var log in topic.Partitions)
            {
                if (_stop.IsCancellationRequested) return;
                switch (topic.Options.Cleanup)
                {
                    case CleanupPolicy.Delete:
                        ApplyRetention(log, topic.Options, nowMs);
                        break;
                    case CleanupPolicy.Compact:
                        Compact(log);
                        break;
                }
            }
        }
    }

    private void ApplyRetention(PartitionLog log, TopicOptions options, long nowMs)
    {
        while (true)
        {
            LogSegment oldest;
            long total;
            lock (log.SyncRoot)
            {
                if (log.Segments.Count < 2) return;
                oldest = log.Segments[0];
                total = log.Segments.Sum(s => s.Size);
                // Only whole segments below the visible end go: a reader may not have seen the others yet.
                if (log.Segments[1].BaseOffset > log.VisibleEnd) return;
                if (!oldest.Scanned) oldest.Scan(long.MaxValue);
            }
            bool tooOld = options.RetentionTime is { } t && oldest.MaxTimestamp < nowMs - (long)t.TotalMilliseconds;
            bool tooBig = options.RetentionBytes is { } b && total - oldest.Size >= b;
            if (!tooOld && !tooBig) return;
            logger.LogInformation("Retention: deleting segment {File} of {Topic}-{Partition}.", oldest.Path, log.Topic, log.Partition);
            log.DeleteOldest();
        }
    }

    /// <summary>Rewrites sealed segments to keep only the latest record per key (keys compared by a 128-bit hash, as
    /// Kafka's offset map), and each segment's last record.</summary>
    internal void Compact(PartitionLog log)
    {
        List<LogSegment> segments;
        long limit;
        lock (log.SyncRoot)
        {
            segments = log.Segments.ToList();
            limit = log.VisibleEnd;
        }
        if (segments.Count < 2) return;
        var latest = new Dictionary<UInt128, long>();
        foreach (var seg in segments)
        {
            lock (log.SyncRoot)
            {
                if (!seg.Scanned) seg.Scan(long.MaxValue);
            }
            var (end, status) = seg.Visit(0, seg.Size, (frame, _) =>
            {
                var (offset, _) = RecordFormat.PeekOffset(frame);
                if (offset >= limit) return false;
                var key = RecordFormat.KeyOf(frame, out bool isNull);
                if (!isNull) latest[XxHash128.HashToUInt128(key)] = offset;
                return true;
            });
            if (status is RecordFormat.ReadStatus.Corrupt or RecordFormat.ReadStatus.Truncated)
                throw new CorruptLogException(seg.Path, end, "compaction found a record that fails its checksum.");
        }
        foreach (var seg in segments.Take(segments.Count - 1))
        {
            if (seg.NextOffset > limit) break;
            if (!Rewrite(log, seg, latest, out long kept, out long dropped)) continue;
            logger.LogDebug("Compacted {File}: kept {Kept}, dropped {Dropped} records.", seg.Path, kept, dropped);
        }
    }

    /// <summary>
    /// Writes the records of <paramref name="seg"/> still worth keeping to <c>.cleaned</c> through the log's file
    /// layer, fsyncs it and swaps it in. Each segment keeps its last record even when a later one supersedes it:
    /// the segment then still ends where the next begins, so a gap between two segments always means a lost
    /// segment, while gaps inside a segment are compaction's (recovery tells the two apart by that). Kafka's
    /// cleaner likewise keeps a segment's base offset and never lets the log end move (LogCleaner.cleanSegments).
    /// A crash or I/O error anywhere in here leaves the original segment (the leftover <c>.cleaned</c> is deleted
    /// at the next open) or, once the atomic rename happened, the whole compacted copy.
    /// </summary>
    private static bool Rewrite(PartitionLog log, LogSegment seg, Dictionary<UInt128, long> latest, out long kept, out long dropped)
    {
        var fs = log.FileSystem;
        string cleaned = seg.Path + ".cleaned";
        long last = seg.NextOffset - 1, position = 0, keptCount = 0, droppedCount = 0;
        using (var output = fs.Open(cleaned))
        {
            output.SetLength(0); // a leftover of an earlier failed pass
            seg.Visit(0, seg.Size, (frame, _) =>
            {
                var (offset, _) = RecordFormat.PeekOffset(frame);
                var key = RecordFormat.KeyOf(frame, out bool isNull);
                if (isNull || offset == last || latest[XxHash128.HashToUInt128(key)] == offset)
                {
                    output.Write(frame, position);
                    position += frame.Length;
                    keptCount++;
                }
                else droppedCount++;
                return true;
            });
            if (droppedCount > 0) output.Sync();
        }
        kept = keptCount;
        dropped = droppedCount;
        if (droppedCount == 0)
        {
            fs.Delete(cleaned);
            return false;
        }
        log.ReplaceSegment(seg, cleaned);
        return true;
    }

    public void Dispose() => BackgroundLoops.Stop(_stop, _loop, TimeSpan.FromSeconds(10));
}
