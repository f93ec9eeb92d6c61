using System.Net.Sockets;
using System.Text.Json;

namespace Braid.Internal.Diagnostics;

/// <summary>
/// Talks to an application in another process through its diagnostics socket (<see cref="DiagnosticsServer"/>):
/// one connection per request, so an application that restarts is reached again with no reconnect logic.
/// Every failure is a <see cref="DiagnosticsUnavailableException"/> saying why.
/// </summary>
internal sealed class DiagnosticsClient
{
    private DiagnosticsClient(string socketPath, string applicationId) => (SocketPath, ApplicationId) = (socketPath, applicationId);

    public string SocketPath { get; }

    public string ApplicationId { get; }

    /// <summary>
    /// Finds the socket of <paramref name="applicationId"/> (or of the only application) under
    /// <paramref name="stateDirectory"/> and checks that the application answers.
    /// </summary>
    public static async Task<DiagnosticsClient> AttachAsync(string stateDirectory, string? applicationId, CancellationToken cancellationToken = default)
    {
        var root = new DirectoryInfo(stateDirectory);
        if (!root.Exists)
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.NoSocket, $"The state directory {root.FullName} does not exist.");
        string id;
        if (applicationId is not null)
        {
            id = applicationId;
            if (!File.Exists(DiagnosticsProtocol.SocketPath(Path.Combine(root.FullName, id))))
            {
                string others = string.Join(", ", Running(root));
                throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.NoSocket,
                    $"No application '{id}' with a diagnostics socket in {root.FullName} ({(others.Length == 0 ? "none is running there" : "running there: " + others)}).");
            }
        }
        else
        {
            var running = Running(root);
            id = running.Count switch
            {
                1 => running[0],
                0 => throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.NoSocket,
                    $"No application with a diagnostics socket in {root.FullName}: none is running there, or it runs with DiagnosticsSocket = false."),
                _ => throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Ambiguous,
                    $"Several applications run in {root.FullName} ({string.Join(", ", running)}): name one with --application-id."),
            };
        }
        var client = new DiagnosticsClient(DiagnosticsProtocol.SocketPath(Path.Combine(root.FullName, id)), id);
        await client.RequestAsync<TopologyInfo>(new DiagnosticsRequest(DiagnosticsProtocol.Version, "topology"), attaching: true, cancellationToken).ConfigureAwait(false);
        return client;
    }

    // Application directories holding a socket file (live or stale: the request tells them apart).
    private static List<string> Running(DirectoryInfo root) =>
        root.EnumerateDirectories().Where(d => File.Exists(DiagnosticsProtocol.SocketPath(d.FullName)) || IsLink(DiagnosticsProtocol.SocketPath(d.FullName)))
            .Select(d => d.Name).Order(StringComparer.Ordinal).ToList();

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    public Task<T> RequestAsync<T>(DiagnosticsRequest request, CancellationToken cancellationToken = default) =>
        RequestAsync<T>(request, attaching: false, cancellationToken);

    private async Task<T> RequestAsync<T>(DiagnosticsRequest request, bool attaching, CancellationToken cancellationToken)
    {
        // A path too long for a socket address is a link to the real socket in the temp directory.
        var file = new FileInfo(SocketPath);
        string target = file.LinkTarget ?? SocketPath;
        if (!file.Exists && file.LinkTarget is null)
        {
            throw attaching
                ? new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.NoSocket, $"No diagnostics socket at {SocketPath}.")
                : new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Closed, $"The application '{ApplicationId}' closed (its socket {SocketPath} is gone).");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DiagnosticsProtocol.RequestTimeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        byte[]? answer;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(target), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            if (e.SocketErrorCode == SocketError.AccessDenied)
                throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.NoSocket, $"No access to {SocketPath}: run as the user who runs the application.", e);
            // The file is there but nobody listens: the process that bound it died without removing it.
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Stale,
                $"The diagnostics socket {SocketPath} is stale: nothing answers ({e.SocketErrorCode}); the application '{ApplicationId}' that created it is no longer running (killed?).", e);
        }
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync((byte[])[.. JsonSerializer.SerializeToUtf8Bytes(request, DiagnosticsProtocol.Json), (byte)'\n'], timeout.Token).ConfigureAwait(false);
            answer = await DiagnosticsProtocol.ReadMessageAsync(stream, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw Closed(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Closed,
                $"The application '{ApplicationId}' did not answer within {DiagnosticsProtocol.RequestTimeout.TotalSeconds:0} s at {SocketPath}.", e);
        }
        if (answer is null) throw Closed(null);
        DiagnosticsResponse? response;
        try
        {
            response = JsonSerializer.Deserialize<DiagnosticsResponse>(answer, DiagnosticsProtocol.Json);
        }
        catch (JsonException e)
        {
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Protocol, $"The answer from {SocketPath} is not a diagnostics response: {e.Message}", e);
        }
        if (response is null || response.Version != DiagnosticsProtocol.Version)
        {
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Protocol,
                $"The application at {SocketPath} speaks diagnostics protocol {response?.Version}, this client {DiagnosticsProtocol.Version}: use the same Braid version on both sides.");
        }
        if (!response.Ok) throw new StreamsException($"The application '{ApplicationId}' refused the {request.Op} request: {response.Error}");
        try
        {
            return response.Result is { } result ? result.Deserialize<T>(DiagnosticsProtocol.Json)! : throw new JsonException("no result");
        }
        catch (JsonException e)
        {
            throw new DiagnosticsUnavailableException(DiagnosticsUnavailableReason.Protocol, $"The {request.Op} answer from {SocketPath} is malformed: {e.Message}", e);
        }
    }

    private DiagnosticsUnavailableException Closed(Exception? inner) =>
        new(DiagnosticsUnavailableReason.Closed, $"The application '{ApplicationId}' hung up in the middle of a request on {SocketPath} (closed?).", inner);
}
