using Braid.Sql;
using Braid.State;

namespace Braid.Cli;

/// <summary>Where <c>braid sql</c> runs a compiled program: takes input records, answers view stores, returns stream records.</summary>
internal interface ISqlHost : IDisposable
{
    /// <summary>Produces one input record and waits until it is processed.</summary>
    void Send(string topic, byte[]? key, byte[]? value, long timestamp);

    /// <summary>Waits until everything sent so far has been processed.</summary>
    void Flush();

    /// <summary>The store of a materialized view.</summary>
    IReadOnlyKeyValueStore<SqlRow, ValueAndTimestamp<SqlRow>> Store(SqlView view);

    /// <summary>Every record written to a view's topic since the last call, in order.</summary>
    IReadOnlyList<(SqlRow? Key, SqlRow? Value, long Timestamp)> Read(SqlView view);
}

/// <summary>The two hosts of <c>--host</c>.</summary>
internal static class SqlHosts
{
    public static readonly string[] Names = ["embedded", "driver"];

    public static ISqlHost Create(string name, SqlProgram program) => name switch
    {
        "driver" => new SqlDriverHost(program),
        _ => new SqlEmbeddedHost(program),
    };
}
