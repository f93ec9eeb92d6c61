using System.Collections.Concurrent;
using Braid.Serialization;
using Confluent.Kafka;

namespace Braid.Kafka.FailoverHarness;

/// <summary>
/// The harness's input producer. Every record it counts as sent must reach the cluster, or a record the producer lost
/// would be reported as input Braid lost: each send has a delivery handler, a failed delivery is counted (with its
/// error) and re-sent by <see cref="Complete"/>. Until session 16 the sends had no handler, so a failed delivery was
/// silent (a re-send may duplicate a record whose failure was ambiguous: the verification tolerates duplicates).
/// </summary>
public sealed class InputProducer : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly ConcurrentQueue<(string Topic, Message<byte[]?, byte[]?> Message)> _failed = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivery;
    private int _failures;

    public InputProducer(string bootstrap)
    {
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Partitioner = Confluent.Kafka.Partitioner.Murmur2Random, LingerMs = 5,
        }).SetLogHandler((_, _) => { }).Build();
        _onDelivery = report =>
        {
            if (!report.Error.IsError) return;
            if (Interlocked.Increment(ref _failures) <= 5) _errors.Enqueue($"{report.Topic} {Serdes.String.Deserialize(report.Message.Value!)}: {report.Error.Reason}");
            // As sent (a report's message carries the timestamp type the broker gave it, which a send refuses).
            var m = report.Message;
            _failed.Enqueue((report.Topic, new Message<byte[]?, byte[]?>
            {
                Key = m.Key, Value = m.Value, Timestamp = new Timestamp(m.Timestamp.UnixTimestampMs, TimestampType.CreateTime),
            }));
        };
    }

    /// <summary>Deliveries that failed (each re-sent by <see cref="Complete"/>).</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The first failed deliveries, with their errors.</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    public void Send(string topic, string key, string value, long timestamp) => Produce(topic, new Message<byte[]?, byte[]?>
    {
        Key = Serdes.String.Serialize(key), Value = Serdes.String.Serialize(value), Timestamp = new Timestamp(timestamp, TimestampType.CreateTime),
    });

    /// <summary>Waits until every record sent so far is acknowledged, re-sending failed ones; returns how many are not
    /// acknowledged by <paramref name="timeout"/> (0: every input is in the cluster).</summary>
    public int Complete(TimeSpan timeout)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            int queued = _producer.Flush(Max(timeout - sw.Elapsed));
            if (queued == 0 && _failed.IsEmpty) return 0;
            if (sw.Elapsed >= timeout) return queued + _failed.Count;
            while (_failed.TryDequeue(out var f)) Produce(f.Topic, f.Message);
        }
    }

    public void Dispose() => _producer.Dispose();

    private static TimeSpan Max(TimeSpan t) => t > TimeSpan.FromMilliseconds(100) ? t : TimeSpan.FromMilliseconds(100);

    private void Produce(string topic, Message<byte[]?, byte[]?> message)
    {
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, _onDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(100)); // the cluster is slower than the input for a moment: wait, never drop
            }
        }
    }
}
