using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Braid.Sql.Tests;

/// <summary>
/// SQLite as the from-scratch reference: the same rows as the Braid inputs, and a query that returns per
/// result row its key and value as JSON text (built with json_object / json_group_array). Rows are
/// compared as canonical JSON (numbers by value, object fields in order), so 3 and 3.0 are equal.
/// </summary>
internal sealed class SqliteOracle : IDisposable
{
    private readonly SqliteConnection _db = new("Data Source=:memory:");

    public SqliteOracle(string ddl)
    {
        _db.Open();
        Execute(ddl);
    }

    public void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Rows of a query returning (key JSON, value JSON), as canonical "key → value" lines sorted by key.</summary>
    public List<string> Query(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(Canonical(reader.GetString(0)) + " → " + Canonical(reader.GetString(1)));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Braid's view lines ({"key": K, "value": V}) in the same canonical form.</summary>
    public static List<string> FromViewLines(IEnumerable<string> lines)
    {
        var rows = lines.Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return Canonical(doc.RootElement.GetProperty("key")) + " → " + Canonical(doc.RootElement.GetProperty("value"));
        }).ToList();
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    public static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Canonical(doc.RootElement);
    }

    public static string Canonical(JsonElement e)
    {
        var sb = new StringBuilder();
        Write(sb, e);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                sb.AppendJoin(',', e.EnumerateObject().Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value)));
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                sb.AppendJoin(',', e.EnumerateArray().Select(Canonical));
                sb.Append(']');
                break;
            case JsonValueKind.Number:
                sb.Append(Math.Round(e.GetDouble(), 9).ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(e.GetRawText());
                break;
        }
    }

    public void Dispose() => _db.Dispose();
}
