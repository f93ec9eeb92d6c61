using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Braid.Embedded.Runtime;
using Braid.Internal.Runtime;
using Braid.Internal.State;

namespace Braid.Embedded.Logs;

/// <summary>
/// What start-up recovery reads from the last commit before it opens any log, and what it writes back once
/// every log is recovered, so that the next recovery can check itself:
/// <list type="bullet">
/// <item><c>meta/guarantee</c>: the processing guarantee the directory was last written with. Logs are cut
/// back to their committed high-water mark only if it was exactly-once: under at-least-once every appended
/// record was already visible, so it is kept (switching guarantees never cuts what a reader may have seen,
/// and never cuts below committed input offsets);</item>
/// <item><c>meta/partitions/&lt;topic&gt;</c>: the partition count, so a changed count fails instead of
/// silently ignoring a partition;</item>
/// <item><c>hwm/&lt;topic&gt;/&lt;p&gt;</c> (written by commits in both guarantees) and the committed input
/// offsets: a log must reach them, or committed records were lost.</item>
/// </list>
/// </summary>
internal sealed class LogRecoveryPlan
{
    public const string GuaranteeKey = "meta/guarantee";

    private readonly IStateBackend _backend;
    private readonly BraidApplicationOptions _options;
    private readonly Dictionary<(string Topic, int Partition), long> _consumed = new();

    public LogRecoveryPlan(IStateBackend backend, BraidApplicationOptions options)
    {
        _backend = backend;
        _options = options;
        var stored = backend.ReadMetadata(GuaranteeKey);
        PreviousGuarantee = stored is null ? null : Encoding.UTF8.GetString(stored);
        // offset/<task>/<topic>/<partition>: a partition must reach the largest offset any task committed for it.
        foreach (var (key, value) in backend.ReadMetadataPrefix("offset/"))
        {
            var parts = key.Split('/');
            if (parts.Length != 4 || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int p)) continue;
            long offset = BinaryPrimitives.ReadInt64BigEndian(value);
            var tp = (parts[2], p);
            _consumed[tp] = Math.Max(_consumed.GetValueOrDefault(tp), offset);
        }
    }

    /// <summary>The guarantee the directory was last opened with; null for a new directory (or one from before this was stored).</summary>
    public string? PreviousGuarantee { get; }

    public static string PartitionsKey(string topic) => "meta/partitions/" + topic;

    public static string Name(ProcessingGuarantee g) => g == ProcessingGuarantee.ExactlyOnce ? "exactly-once" : "at-least-once";

    /// <summary>Throws unless <paramref name="partitions"/> equals the stored count and no partition directory lies beyond it.</summary>
    public void CheckPartitionCount(string topic, int partitions, string topicDirectory)
    {
        var stored = _backend.ReadMetadata(PartitionsKey(topic));
        int? before = stored is null ? null : BinaryPrimitives.ReadInt32BigEndian(stored);
        int? onDisk = null;
        if (Directory.Exists(topicDirectory))
        {
            foreach (var d in Directory.GetDirectories(topicDirectory))
            {
                if (int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p >= partitions
                    && Directory.GetFiles(d, "*.log").Any(f => new FileInfo(f).Length > 0))
                    onDisk = Math.Max(onDisk ?? 0, p + 1);
            }
        }
        if ((before ?? partitions) == partitions && onDisk is null) return;
        int had = before ?? onDisk!.Value;
        throw new ConfigException($"Topics[{topic}].Partitions",
            $"topic '{topic}' has {had} partitions in {topicDirectory}, but the options give it {partitions}. Records in the missing partitions " +
            $"would be ignored. Set the partition count back to {had}, or move the data to a new topic.");
    }

    public LogRecoveryRule RuleFor(string topic, int partition, bool writtenByApplication)
    {
        var opts = _options.TopicOptionsFor(topic);
        // Compaction leaves gaps inside segments only (each keeps its last record, see LogCleaner.Rewrite), and
        // never deletes a segment: consecutive segments meet and the first starts at 0 under every policy but
        // Delete with a retention limit.
        const bool contiguous = true;
        bool startsAtZero = opts.Cleanup != CleanupPolicy.Delete || (opts.RetentionTime is null && opts.RetentionBytes is null);
        long consumed = _consumed.GetValueOrDefault((topic, partition));
        bool powerLoss = _options.Durability == Durability.PowerLoss;
        if (!writtenByApplication) return new LogRecoveryRule(null, consumed, contiguous, startsAtZero, powerLoss);
        long? hwm = CommitMetadata.Decode(_backend.ReadMetadata(CommitMetadata.HighWatermark(topic, partition)));
        // Cut only what an exactly-once run appended beyond its last commit. A directory from before the
        // guarantee was stored: a high-water mark means exactly-once wrote it (at-least-once did not store one).
        // Every open stores each written log's end as its high-water mark before anything is appended (Metadata,
        // WrittenTopic), so a written log without one was not written by the last run: a topic the previous topology
        // only read (records a producer sent) — nothing of it is uncommitted output, and cutting it to 0 would
        // delete input.
        bool cut = hwm is not null && (PreviousGuarantee == Name(ProcessingGuarantee.ExactlyOnce)
            || (PreviousGuarantee is null && _options.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnce));
        long required = Math.Max(hwm ?? 0, consumed);
        return new LogRecoveryRule(cut ? hwm : null, required, contiguous, startsAtZero, powerLoss);
    }

    /// <summary>
    /// The metadata recovery writes once the logs are open (one atomic write): the guarantee now in force, the
    /// partition counts, and every written log's recovered end as its committed high-water mark (after a switch
    /// from at-least-once, what is on disk is what exactly-once starts from).
    /// </summary>
    public static Dictionary<string, byte[]?> Metadata(ProcessingGuarantee guarantee, IEnumerable<TopicLog> topics)
    {
        var m = new Dictionary<string, byte[]?> { [GuaranteeKey] = Encoding.UTF8.GetBytes(Name(guarantee)) };
        foreach (var t in topics) AddTopic(m, t);
        return m;
    }

    public static void AddTopic(Dictionary<string, byte[]?> m, TopicLog t)
    {
        var count = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(count, t.Partitions.Length);
        m[PartitionsKey(t.Name)] = count;
        if (!t.WrittenByApplication) return;
        foreach (var p in t.Partitions) m[CommitMetadata.HighWatermark(t.Name, p.Partition)] = CommitMetadata.Encode(p.EndOffset);
    }
}
