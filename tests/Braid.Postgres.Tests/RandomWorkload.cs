using System.Globalization;
using System.Text;

namespace Braid.Postgres.Tests;

/// <summary>Random SQL batches over products: inserts, price/category updates, primary-key changes, deletes, rare truncates.</summary>
internal sealed class RandomWorkload(int seed, int keySpace = 60)
{
    private static readonly string[] Categories = ["books", "games", "toys", "food", "tools"];
    private readonly Random _rng = new(seed);

    public string NextBatch(int statements, bool allowTruncate = true)
    {
        var sb = new StringBuilder();
        bool tx = _rng.Next(2) == 0;
        if (tx) sb.Append("BEGIN;");
        for (int i = 0; i < statements; i++)
        {
            int id = _rng.Next(1, keySpace);
            int roll = _rng.Next(100);
            if (roll < 35)
                sb.Append(CultureInfo.InvariantCulture, $"INSERT INTO products VALUES ({id}, '{Cat()}', {Price()}, 'n{id}') ON CONFLICT (id) DO UPDATE SET price = EXCLUDED.price, category = EXCLUDED.category;");
            else if (roll < 60)
                sb.Append(CultureInfo.InvariantCulture, $"UPDATE products SET price = {Price()} WHERE id = {id};");
            else if (roll < 70)
                sb.Append(CultureInfo.InvariantCulture, $"UPDATE products SET category = '{Cat()}', name = NULL WHERE id = {id};");
            else if (roll < 80)
            {
                int to = _rng.Next(1, keySpace);
                sb.Append(CultureInfo.InvariantCulture, $"UPDATE products SET id = {to} WHERE id = {id} AND NOT EXISTS (SELECT 1 FROM products WHERE id = {to});");
            }
            else if (roll < 98 || !allowTruncate)
                sb.Append(CultureInfo.InvariantCulture, $"DELETE FROM products WHERE id = {id};");
            else
                sb.Append("TRUNCATE products;");
        }
        if (tx) sb.Append("COMMIT;");
        return sb.ToString();
    }

    private string Cat() => Categories[_rng.Next(Categories.Length)];

    private string Price() => (_rng.Next(1, 100_000) / 100m).ToString(CultureInfo.InvariantCulture);
}
