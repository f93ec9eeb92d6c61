using System.IO.Hashing;
using Microsoft.Extensions.Logging;

namespace Braid.Embedded.Logs;

/// <summary>
/// Background upkeep of local topics, as Kafka's log cleaner and retention: Delete-policy topics lose
/// whole sealed segments past their time or size limit; Compact-policy topics have each sealed segment
/// rewritten to keep only records that are still the latest for their key. KeepAll topics are never
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

    /// <summary>Rewrites sealed segments to keep only the latest record per key (keys compared by a 128-bit hash, as Kafka's offset map).</summary>
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
            string cleaned = seg.Path + ".cleaned";
            long kept = 0, dropped = 0;
            using (var output = new FileStream(cleaned, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                seg.Visit(0, seg.Size, (frame, _) =>
                {
                    var (offset, _) = RecordFormat.PeekOffset(frame);
                    var key = RecordFormat.KeyOf(frame, out bool isNull);
                    if (isNull || latest[XxHash128.HashToUInt128(key)] == offset)
                    {
                        output.Write(frame);
                        kept++;
                    }
                    else dropped++;
                    return true;
                });
                output.Flush(true);
            }
            if (dropped == 0)
            {
                File.Delete(cleaned);
                continue;
            }
            log.ReplaceSegment(seg, cleaned);
            logger.LogDebug("Compacted {File}: kept {Kept}, dropped {Dropped} records.", seg.Path, kept, dropped);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; cancellation ends it.
        }
        _stop.Dispose();
    }
}
