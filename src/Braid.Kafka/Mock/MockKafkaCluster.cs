using System.Runtime.InteropServices;

namespace Braid.Kafka.Mock;

/// <summary>
/// An in-process librdkafka mock cluster (brokers on loopback ports) for tests and demos. It has no
/// CreateTopics API, no compaction and no read_committed filtering; see docs/kafka.md.
/// </summary>
internal sealed class MockKafkaCluster : IDisposable
{
    private readonly IntPtr _rk;
    private readonly IntPtr _cluster;
    private bool _disposed;

    public MockKafkaCluster(int brokers = 3)
    {
        LibRdKafka.EnsureLoaded();
        var err = new byte[512];
        var conf = LibRdKafka.rd_kafka_conf_new();
        // The handle only hosts the cluster; its notice that it has no bootstrap.servers is noise.
        LibRdKafka.rd_kafka_conf_set(conf, "log_level", "3", err, (UIntPtr)err.Length);
        _rk = LibRdKafka.rd_kafka_new(0, conf, err, (UIntPtr)err.Length);
        if (_rk == IntPtr.Zero) throw new InvalidOperationException("rd_kafka_new failed: " + System.Text.Encoding.UTF8.GetString(err).TrimEnd('\0'));
        _cluster = LibRdKafka.rd_kafka_mock_cluster_new(_rk, brokers);
        if (_cluster == IntPtr.Zero) throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        // The default 3 s initial rebalance delay would dominate every group join in tests.
        LibRdKafka.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.rd_kafka_mock_cluster_bootstraps(_cluster))!;
        Brokers = brokers;
    }

    public string BootstrapServers { get; }

    public int Brokers { get; }

    public void CreateTopic(string topic, int partitions)
    {
        int rf = Math.Min(3, Brokers);
        int rc = LibRdKafka.rd_kafka_mock_topic_create(_cluster, topic, partitions, rf);
        if (rc != 0) throw new InvalidOperationException($"mock topic create '{topic}' failed: error {rc}.");
    }

    /// <summary>Deletes a topic and its records (the mock has no DeleteTopics API).</summary>
    public void DeleteTopic(string topic)
    {
        int rc = LibRdKafka.rd_kafka_mock_topic_delete(_cluster, topic);
        if (rc != 0) throw new InvalidOperationException($"mock topic delete '{topic}' failed: error {rc}.");
    }

    /// <summary>Moves a partition's log start to <paramref name="beforeOffset"/> (as DeleteRecords, which the mock has no API for).</summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        int rc = LibRdKafka.rd_kafka_mock_partition_delete_records(_cluster, topic, partition, beforeOffset);
        if (rc != 0) throw new InvalidOperationException($"mock delete records '{topic}' [{partition}] before {beforeOffset} failed: error {rc}.");
    }

    public void SetBrokerDown(int brokerId) => LibRdKafka.rd_kafka_mock_broker_set_down(_cluster, brokerId);

    public void SetBrokerUp(int brokerId) => LibRdKafka.rd_kafka_mock_broker_set_up(_cluster, brokerId);

    /// <summary>Delays every broker's responses by <paramref name="rttMs"/> (a slow or distant cluster).</summary>
    public void SetRoundTripTime(int rttMs) => LibRdKafka.rd_kafka_mock_broker_set_rtt(_cluster, -1, rttMs);

    /// <summary>Makes the next requests of an API fail with the given Kafka error codes (fault injection).</summary>
    public void PushRequestErrors(short apiKey, params int[] errors) =>
        LibRdKafka.rd_kafka_mock_push_request_errors_array(_cluster, apiKey, (UIntPtr)errors.Length, errors);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        LibRdKafka.rd_kafka_mock_cluster_destroy(_cluster);
        LibRdKafka.rd_kafka_destroy(_rk);
    }
}
