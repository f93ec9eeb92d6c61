using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Braid.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb in a temp directory, started with pg_ctl on a free
/// loopback port with wal_level=logical, stopped and deleted after. initdb and postgres refuse to run as
/// root, so as root they run as the 'postgres' user (runuser) in a directory it owns.
/// </summary>
public sealed class PgCluster : IDisposable
{
    private readonly string _dir;
    private readonly string _bin;
    private int _databases;

    public PgCluster() : this("logical", 0)
    {
    }

    /// <summary>A cluster with another wal_level (the error test's server).</summary>
    public static PgCluster WithWalLevel(string walLevel) => new(walLevel, 0);

    private PgCluster(string walLevel, int unused)
    {
        _bin = FindBin();
        _dir = Path.Combine(Path.GetTempPath(), "braid-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        bool root = Environment.UserName == "root";
        if (root) Run("chown", "postgres:postgres", _dir);
        Port = FreePort();
        string data = Path.Combine(_dir, "data");
        PgRun(root, Path.Combine(_bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
        PgRun(root, Path.Combine(_bin, "pg_ctl"), "-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c wal_level={walLevel} -c max_wal_senders=20 -c max_replication_slots=20 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start");
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Timeout=30;Command Timeout=60";

    /// <summary>A fresh database for one test (tests run in parallel; each owns its database, publication and slot).</summary>
    public string NewDatabase()
    {
        string name = "t" + Interlocked.Increment(ref _databases);
        using var conn = new NpgsqlConnection(ConnectionString());
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        cmd.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public void Dispose()
    {
        try
        {
            PgRun(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string FindBin()
    {
        foreach (var dir in Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().ToArray() : [])
            if (File.Exists(Path.Combine(dir, "bin", "initdb"))) return Path.Combine(dir, "bin");
        throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql (.ci/run does).");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static void PgRun(bool root, string exe, params string[] args) =>
        Run(root ? "runuser" : exe, root ? ["-u", "postgres", "--", exe, .. args] : args);

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}):\n{output}\n{err.Result}");
    }
}

[CollectionDefinition(Name)]
public sealed class PgCollection : ICollectionFixture<PgCluster>
{
    public const string Name = "postgres";
}
