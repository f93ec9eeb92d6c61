using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

internal sealed partial class KafkaStreamThread
{
    /// <summary>
    /// After the thread failed outside a rebalance callback (a partition count the watch saw change, a user function, a
    /// producer error), disposing its group member without a close was seen to hang for good: the partition watch failed
    /// the thread while the task topic was being re-created under the group, and the thread stayed joined on librdkafka's
    /// main thread inside <c>rd_kafka_destroy_app</c> (gdb), so the instance never reached Error (CI: TopologyChangeTests'
    /// grow-the-task-topic test timed out after 60 s; a 4-round stress run of it hung in 1 round). librdkafka's consumer
    /// group ends only once its rebalance steps are answered; a close serves them through the callbacks, which, told of the
    /// failure, hand nothing over (the tasks close dirty with the backend), and the member leaves the group, so the others
    /// take its tasks at once. Kafka Streams likewise closes the main consumer when a thread dies (<c>StreamThread.completeShutdown</c>).
    /// </summary>
    private void LeaveGroupAfterFailure()
    {
        if (_group is null) return;
        _listener?.Fail(Error!);
        try
        {
            _group.Close();
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogWarning("Closing the group member after the thread failed: {Reason}", e.Message);
        }
    }
}
