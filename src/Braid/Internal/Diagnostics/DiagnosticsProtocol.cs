using System.Text.Json;

namespace Braid.Internal.Diagnostics;

/// <summary>
/// The diagnostics socket's protocol: one connection per request; the client writes one JSON request and a
/// newline, the application answers with one JSON response and a newline, and closes. Like dotnet's diagnostic
/// IPC, it is a Unix domain socket (local only, owner-only file mode) in the application's directory, so only
/// the user who runs the application reaches it and no port is opened.
/// </summary>
internal static class DiagnosticsProtocol
{
    /// <summary>Bumped when a request or response changes shape; a mismatch is a typed error on both sides.</summary>
    public const int Version = 2; // 2: task status (active, restoring, standby) and store lag; shared by the embedded and Kafka hosts

    /// <summary>The socket's name inside <c>StateDirectory/ApplicationId</c>.</summary>
    public const string SocketFileName = "diagnostics.sock";

    /// <summary>A request or response larger than this is refused (a store value is the only large part).</summary>
    public const int MaxMessageBytes = 4 << 20;

    /// <summary>How long one request may take end to end, on either side.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string SocketPath(string appDirectory) => Path.Combine(appDirectory, SocketFileName);

    /// <summary>Reads one newline-terminated message; null when the peer closed before sending anything.</summary>
    public static async Task<byte[]?> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0) return buffer.Length == 0 ? null : throw new IOException("the peer closed in the middle of a message");
            int end = Array.IndexOf(chunk, (byte)'\n', 0, n);
            buffer.Write(chunk, 0, end < 0 ? n : end);
            if (buffer.Length > MaxMessageBytes) throw new InvalidDataException($"a diagnostics message is larger than {MaxMessageBytes} bytes");
            if (end >= 0) return buffer.ToArray();
        }
    }
}

/// <summary>What the client asks: <c>topology</c>, <c>snapshot</c> (with a dead-letter topic to count) or <c>lookup</c>.</summary>
internal sealed record DiagnosticsRequest(int Version, string Op, string? Store = null, string? Key = null, long? AsOf = null, string? DeadLetterTopic = null);

/// <summary>The answer: a result, or the error the request met in the application.</summary>
internal sealed record DiagnosticsResponse(int Version, bool Ok, JsonElement? Result, string? Error);

/// <summary>The application's shape: its id, topology and queryable stores.</summary>
internal sealed record TopologyInfo(string Application, TopologyDescription Description, IReadOnlyList<string> Stores);

/// <summary>What changes: state, tasks with their threads, counters and lag, and the dead-letter topic's record count.</summary>
internal sealed record ApplicationSnapshot(string Application, string State, string? Error, IReadOnlyList<TaskSnapshot> Tasks, long? DeadLetterRecords);

/// <summary>One input partition of a task and how far behind it is (records in the partition not processed yet).</summary>
internal sealed record PartitionLagSnapshot(string Topic, int Partition, long Lag);

/// <summary>
/// A task as the dashboard shows it: which thread runs it, its status (<c>active</c>, <c>restoring</c> or <c>standby</c>),
/// what it processed and dropped, the time it spent processing (cumulative since the task was created), its lag per input,
/// and for a restoring or standby task the changelog records it has not applied yet.
/// </summary>
internal sealed record TaskSnapshot(string Thread, string Task, long Processed, long Dropped, double ProcessMs, IReadOnlyList<PartitionLagSnapshot> Inputs,
    string Status = TaskSnapshot.Active, long StoreLag = 0)
{
    public const string Active = "active", Restoring = "restoring", Standby = "standby";
}

/// <summary>The answer to a store lookup (the value as the application's own serdes read it).</summary>
internal sealed record StoreLookup(string Store, string Key, bool Found, object? Value, string? Error);
