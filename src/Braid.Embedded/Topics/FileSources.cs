using System.Globalization;
using System.Text.Json;

namespace Braid.Embedded;

/// <summary>Loads records from files into an input topic (demos and users' own data).</summary>
public static class FileSources
{
    /// <summary>
    /// Produces one record per line of a JSON Lines file (blank lines skipped). Each line is deserialized
    /// to <typeparamref name="TValue"/> with System.Text.Json; the key and timestamp are taken from it.
    /// </summary>
    /// <param name="producer">Where to produce.</param>
    /// <param name="path">The file.</param>
    /// <param name="key">Picks the key of a value.</param>
    /// <param name="timestamp">Picks the event time (ms) of a value.</param>
    /// <param name="jsonOptions">Serializer options (web defaults when null).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>How many records were produced.</returns>
    public static int ImportJsonLines<TKey, TValue>(this TopicProducer<TKey, TValue> producer, string path, Func<TValue, TKey?> key,
        Func<TValue, long> timestamp, JsonSerializerOptions? jsonOptions = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        var opts = jsonOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return producer.Send(ReadLines(path).Select(l =>
        {
            TValue value;
            try
            {
                value = JsonSerializer.Deserialize<TValue>(l.Text, opts) ?? throw new FormatException("the line is JSON null.");
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new FormatException($"{path}:{l.Number}: not a valid {typeof(TValue).Name}: {e.Message}", e);
            }
            return new TopicRecord<TKey, TValue>(key(value), value, timestamp(value));
        }));
    }

    /// <summary>
    /// Produces one record per row of a CSV file (comma-separated; fields may be double-quoted, with ""
    /// for a quote; no line breaks inside fields).
    /// </summary>
    /// <param name="producer">Where to produce.</param>
    /// <param name="path">The file.</param>
    /// <param name="map">Turns the fields of a row into a record.</param>
    /// <param name="hasHeader">Skip the first row (default true).</param>
    /// <typeparam name="TKey">Key type.</typeparam>
    /// <typeparam name="TValue">Value type.</typeparam>
    /// <returns>How many records were produced.</returns>
    public static int ImportCsv<TKey, TValue>(this TopicProducer<TKey, TValue> producer, string path,
        Func<string[], TopicRecord<TKey, TValue>> map, bool hasHeader = true)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(map);
        return producer.Send(ReadLines(path).Skip(hasHeader ? 1 : 0).Select(l =>
        {
            try
            {
                return map(SplitCsv(l.Text));
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new FormatException($"{path}:{l.Number}: {e.Message}", e);
            }
        }));
    }

    /// <summary>Parses a long the way CSV mappers usually need (invariant culture).</summary>
    /// <param name="field">The field.</param>
    /// <returns>The number.</returns>
    public static long ParseLong(string field) => long.Parse(field, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static IEnumerable<(int Number, string Text)> ReadLines(string path)
    {
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (!string.IsNullOrWhiteSpace(line)) yield return (n, line);
        }
    }

    internal static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        if (quoted) throw new FormatException("a quoted field is not closed.");
        fields.Add(sb.ToString());
        return fields.ToArray();
    }
}
