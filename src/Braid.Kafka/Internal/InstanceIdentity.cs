using Microsoft.Extensions.Logging;

namespace Braid.Kafka.Internal;

/// <summary>
/// This instance's stable name: it is part of the transactional id (<c>&lt;app&gt;-&lt;instance&gt;-0</c>), so a
/// restarted instance must get the same one to fence its predecessor's producer and abort its open transaction at
/// once (InitProducerId); with a new id every start, read_committed readers of every partition the predecessor
/// wrote stay blocked until its transaction times out. Kafka Streams keeps a process id in its state directory
/// (StateDirectory.initializeProcessId, file <c>kafka-streams-process-metadata</c>); Braid does the same.
/// Order: <see cref="KafkaStreamsOptions.ApplicationServer"/> (configured, unique per instance), else the id
/// persisted in <c>&lt;StateDirectory&gt;/&lt;application id&gt;/braid-instance-id</c> (created on first start),
/// else a random id (an instance without a state directory has nothing to persist it in: warned under exactly-once).
/// </summary>
internal static class InstanceIdentity
{
    public const string FileName = "braid-instance-id";

    public static string Resolve(KafkaStreamsOptions options, string applicationId, ILogger logger)
    {
        if (options.ApplicationServer is { } server) return server;
        if (options.StateDirectory is { } dir) return ReadOrCreate(Path.Combine(dir, applicationId));
        if (options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce)
        {
            logger.LogWarning("Neither ApplicationServer nor StateDirectory is set: this instance's transactional id changes at every start, " +
                "so a restart cannot fence its predecessor and read_committed readers may wait up to transaction.timeout.ms.");
        }
        return NewId();
    }

    private static string NewId() => "instance-" + Guid.NewGuid().ToString("N")[..12];

    private static string ReadOrCreate(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            string id = File.ReadAllText(path).Trim();
            if (id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return id;
            throw new StateStoreException(path, $"the instance id file is damaged (content '{id}'); delete it to get a new id.");
        }
        Directory.CreateDirectory(directory);
        string created = NewId();
        // Write then rename: a crash leaves either no file or a whole one, never a torn id.
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, created);
        File.Move(tmp, path, overwrite: true);
        return created;
    }
}
