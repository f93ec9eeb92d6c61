using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Braid.Internal.Diagnostics;

/// <summary>
/// Serves <see cref="DiagnosticsProtocol"/> on a Unix domain socket in the application's directory while the
/// application is open. Diagnostics never stop the application: a socket that cannot be created is a warning.
/// A path too long for a socket address (about 107 bytes) binds in the temp directory instead and leaves a
/// symbolic link at the usual place, which the client follows.
/// </summary>
internal sealed class DiagnosticsServer : IDisposable
{
    private const int MaxSocketPath = 100;
    private readonly Socket _listener;
    private readonly string _path;
    private readonly string _bound;
    private readonly Func<DiagnosticsRequest, object> _handle;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _serving = new();
    private readonly Task _loop;

    private DiagnosticsServer(Socket listener, string path, string bound, Func<DiagnosticsRequest, object> handle, ILogger logger)
    {
        (_listener, _path, _bound, _handle, _logger) = (listener, path, bound, handle, logger);
        _loop = Task.Run(AcceptLoop);
    }

    public string SocketPath => _path;

    /// <summary>Binds the socket (replacing one a killed instance left: the caller holds the directory lock).</summary>
    public static DiagnosticsServer? TryStart(string appDirectory, Func<DiagnosticsRequest, object> handle, ILogger logger)
    {
        string path = DiagnosticsProtocol.SocketPath(appDirectory);
        string bound = Encoding.UTF8.GetByteCount(path) <= MaxSocketPath ? path
            : Path.Combine(Path.GetTempPath(), $"braid-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16]}.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(path);
            if (bound != path) File.Delete(bound);
            listener.Bind(new UnixDomainSocketEndPoint(bound));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(bound, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (bound != path) File.CreateSymbolicLink(path, bound);
            listener.Listen(16);
            return new DiagnosticsServer(listener, path, bound, handle, logger);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            listener.Dispose();
            logger.LogWarning(e, "The diagnostics socket {Path} could not be created; `braid ui --state-dir` cannot attach to this application.", path);
            return null;
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogDebug(e, "Accepting a diagnostics connection failed.");
                continue;
            }
            var serving = Serve(client);
            _serving.TryAdd(serving, 0);
            _ = serving.ContinueWith(t => _serving.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task Serve(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(DiagnosticsProtocol.RequestTimeout);
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: true);
            var message = await DiagnosticsProtocol.ReadMessageAsync(stream, timeout.Token).ConfigureAwait(false);
            if (message is null) return;
            var response = Respond(message);
            await stream.WriteAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "A diagnostics request was abandoned.");
        }
    }

    private byte[] Respond(byte[] message)
    {
        DiagnosticsResponse response;
        DiagnosticsRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<DiagnosticsRequest>(message, DiagnosticsProtocol.Json);
        }
        catch (JsonException e)
        {
            return Bytes(Error("malformed request: " + e.Message));
        }
        if (request is null) response = Error("malformed request: no JSON object");
        else if (request.Version != DiagnosticsProtocol.Version)
            response = Error($"this application speaks diagnostics protocol {DiagnosticsProtocol.Version}, the client {request.Version}: use the same Braid version on both sides");
        else
        {
            try
            {
                response = new DiagnosticsResponse(DiagnosticsProtocol.Version, true, JsonSerializer.SerializeToElement(_handle(request), DiagnosticsProtocol.Json), null);
            }
            catch (Exception e)
            {
                // Whatever one request meets (a store value JSON cannot write, the application closing under it)
                // goes back to the client as its answer; the application and the other requests carry on.
                response = Error(e.Message);
            }
        }
        return Bytes(response);
    }

    private static byte[] Bytes(DiagnosticsResponse response) => [.. JsonSerializer.SerializeToUtf8Bytes(response, DiagnosticsProtocol.Json), (byte)'\n'];

    private static DiagnosticsResponse Error(string message) => new(DiagnosticsProtocol.Version, false, null, message);

    /// <summary>Stops accepting, lets requests in flight end (bounded by their timeout) and removes the socket.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            Task.WaitAll([_loop, .. _serving.Keys], DiagnosticsProtocol.RequestTimeout);
        }
        catch (AggregateException e)
        {
            _logger.LogDebug(e, "Diagnostics requests ended with errors while closing.");
        }
        TryDelete(_path);
        if (_bound != _path) TryDelete(_bound);
        _stop.Dispose();
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(e, "Could not remove the diagnostics socket {Path}.", path);
        }
    }
}
