using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Braid.Kafka.Mock;

/// <summary>
/// P/Invoke into librdkafka's mock-cluster API (experimental, not exposed by Confluent.Kafka).
/// Bound to the very file Confluent.Kafka loaded: on images without libsasl2 it silently falls back to
/// another build, and a plain "librdkafka" import would fail to load.
/// </summary>
internal static partial class LibRdKafka
{
    private const string Lib = "librdkafka";
    private static readonly object Gate = new();
    private static bool _resolverSet;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_resolverSet) return;
            _ = Library.VersionString; // makes Confluent.Kafka load its native library first
            string? path = File.Exists("/proc/self/maps")
                ? File.ReadLines("/proc/self/maps").Where(l => l.Contains("rdkafka", StringComparison.Ordinal))
                    .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).FirstOrDefault()
                : null;
            NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, (name, _, _) =>
                name == Lib && path is not null ? NativeLibrary.Load(path) : IntPtr.Zero);
            _resolverSet = true;
        }
    }

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, [Out] byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_new(int type, IntPtr conf, [Out] byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokers);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_delete(IntPtr mcluster, string topic);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_delete_records(IntPtr mcluster, string topic, int partition, long beforeOffset);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    /// <summary>Reaches the rd_kafka_t* behind a Confluent.Kafka handle (internal field, hence reflection).</summary>
    public static IntPtr RawHandle(Handle handle)
    {
        var prop = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Confluent.Kafka changed: Handle.LibrdkafkaHandle not found.");
        var safe = (SafeHandle)prop.GetValue(handle)!;
        return safe.DangerousGetHandle();
    }
}
