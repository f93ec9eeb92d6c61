using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// Deletes what the application has committed from its repartition topics (Kafka's <c>TaskManager.maybePurgeCommittedRecords</c>,
/// every <c>repartition.purge.interval.ms</c> = 30 s): those topics have infinite retention, so records are kept until read,
/// however long the application was stopped, and their space comes back once consumed. Runs after a successful commit only, so
/// nothing uncommitted is ever deleted; requests are asynchronous and a failure only delays the purge.
/// </summary>
internal sealed class RepartitionPurger(IAdminClient admin, TopicLayout layout, ILogger logger) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private bool _unsupported;

    public void Purge(IEnumerable<TopicPartitionOffset> committed)
    {
        if (_unsupported) return;
        var offsets = committed.Where(o => layout.IsRepartition(o.Topic) && o.Offset.Value > 0).ToList();
        if (offsets.Count == 0) return;
        admin.DeleteRecordsAsync(offsets).ContinueWith(t =>
        {
            if (t.Exception?.InnerException is not KafkaException e) return;
            if (e.Error.Code is ErrorCode.UnsupportedVersion or ErrorCode.Local_UnsupportedFeature) _unsupported = true; // e.g. the mock cluster
            logger.LogDebug("Purging repartition topics failed ({Reason}); retried at the next purge.", e.Error.Reason);
        }, TaskScheduler.Default);
    }

    public void Dispose() => admin.Dispose();
}
