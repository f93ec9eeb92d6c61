using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

internal sealed partial class KafkaStreamThread
{
    /// <summary>
    /// After the thread failed outside a rebalance callback (a partition count the watch saw change, a user function, a
    /// producer error), its group member may hold a rebalance step librdkafka delivered while the loop was busy and nobody
    /// served: disposing the consumer then waits for it forever, because librdkafka's consumer group does not terminate
    /// before the application answers a pending assignment or revocation. The thread never finished, so the instance never
    /// reached Error (CI: TopologyChangeTests timed out after 60 s; a stress run of that scenario hung in 2 of 4 rounds
    /// inside <c>rd_kafka_destroy_app</c>). Closing the consumer serves the pending step; the listener, told of the failure,
    /// hands nothing over (the tasks close dirty with the backend), and the member leaves the group, so the others take its
    /// tasks at once. Kafka Streams likewise closes the main consumer when a thread dies (<c>StreamThread.completeShutdown</c>).
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
