using System.Net.Sockets;
using Npgsql;

namespace Braid.Postgres.Internal;

/// <summary>
/// Which errors a reconnect can fix. Transient: the connection broke (I/O, socket, Npgsql's own connection
/// errors), the server shut down or restarts (SQLSTATE class 08, 57P01–57P03), or the slot is still marked
/// active by the WAL sender that just died (55006, released within moments). Everything else — a lost slot,
/// missing privileges, a change that cannot be applied — is permanent.
/// </summary>
internal static class ConnectionErrors
{
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresSourceException => false,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "55006",
        NpgsqlException or IOException or SocketException or TimeoutException or EndOfStreamException => true,
        _ => e.InnerException is not null && IsTransient(e.InnerException),
    };

    /// <summary>The slot is gone (42704: does not exist; 55000: invalidated) — the changes since the copy's position are lost.</summary>
    public static bool IsLostSlot(Exception e) => e is PostgresException { SqlState: "42704" or "55000" };

    public static PostgresSourceException LostSlot(string slot, bool exists, string appDirectory, Exception? inner = null) =>
        new(PostgresProblem.LostSlot,
            $"Replication slot '{slot}' {(exists ? "was invalidated (wal_status = lost, see max_slot_wal_keep_size)" : "no longer exists")}, so the changes since the local copy's last position are gone. " +
            $"To start over, drop the slot if it exists (SELECT pg_drop_replication_slot('{slot}')) and delete the application's state directory ({appDirectory}): the next start takes a new snapshot.",
            inner);
}
