using Braid.Embedded;
using Npgsql;

namespace Braid.Postgres.Tests;

internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "braid-pg-tests", Guid.NewGuid().ToString("N"));

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: each test has its own directory.
        }
    }
}

internal static class Db
{
    public static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The database's truth: every row of products.</summary>
    public static async Task<SortedDictionary<int, Product>> ProductsAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, category, price, name FROM products", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new SortedDictionary<int, Product>();
        while (await r.ReadAsync()) rows[r.GetInt32(0)] = new Product(r.GetInt32(0), r.GetString(1), r.GetDecimal(2), r.IsDBNull(3) ? null : r.GetString(3));
        return rows;
    }

    /// <summary>The database's truth for the aggregate: count and price sum per category.</summary>
    public static async Task<SortedDictionary<string, CategoryTotals>> TotalsAsync(string cs)
    {
        var totals = new SortedDictionary<string, CategoryTotals>(StringComparer.Ordinal);
        foreach (var p in (await ProductsAsync(cs)).Values)
        {
            var t = totals.GetValueOrDefault(p.Category, new CategoryTotals(0, 0m));
            totals[p.Category] = new CategoryTotals(t.Count + 1, t.Sum + p.Price);
        }
        return totals;
    }

    public static SortedDictionary<int, Product> Table(BraidApplication app) =>
        new(app.GetTimestampedKeyValueStore<int, Product>(Shop.TableStore).All().ToDictionary(kv => kv.Key, kv => kv.Value.Value));

    /// <summary>The aggregate's groups, leaving out emptied ones (count 0, sum 0: a category whose rows all went).</summary>
    public static SortedDictionary<string, CategoryTotals> Totals(BraidApplication app) =>
        new(app.GetTimestampedKeyValueStore<string, CategoryTotals>(Shop.TotalsStore).All().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Value))
            .Where(kv => kv.Value.Count != 0 || kv.Value.Sum != 0).ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    public static string Show<TK, TV>(IDictionary<TK, TV> d) => string.Join("; ", d.Select(kv => $"{kv.Key}={kv.Value}"));
}
