using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Braid.Sql;

/// <summary>
/// JSON at the edges of a SQL topology: reading typed column values from input records and writing rows,
/// arrays and keys for output. Reading is strict: a value of the wrong JSON kind for its column is a
/// <see cref="Serialization.SerializationException"/> naming the column, never a silent null.
/// </summary>
internal static class SqlJson
{
    public static string Write(SqlRow row) => WriteValue(row);

    public static string WriteValue(object? value)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) Write(w, value);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static byte[] WriteUtf8(object? value)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) Write(w, value);
        return ms.ToArray();
    }

    public static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case long l: w.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case decimal m: w.WriteNumberValue(m); break;
            case string s: w.WriteStringValue(s); break;
            case SqlRow r:
                w.WriteStartObject();
                for (int i = 0; i < r.Count; i++)
                {
                    w.WritePropertyName(r.Names[i]);
                    Write(w, r[i]);
                }
                w.WriteEndObject();
                break;
            case SqlArray a:
                w.WriteStartArray();
                foreach (var item in a) Write(w, item);
                w.WriteEndArray();
                break;
            default: throw new ArgumentException($"{value.GetType().Name} is not a SQL value.");
        }
    }

    /// <summary>Reads a column value of type <paramref name="type"/> (an ARRAY's elements of <paramref name="element"/>); <paramref name="where"/> names it in errors.</summary>
    public static object? Read(JsonElement e, SqlType type, string where, SqlType element = SqlType.Unknown)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (type == SqlType.Array && element != SqlType.Unknown)
        {
            if (e.ValueKind != JsonValueKind.Array)
                throw new Serialization.SerializationException($"{where}: expected a JSON array of {SqlTypes.Name(element)}, got JSON {e.ValueKind.ToString().ToLowerInvariant()} {Short(e)}.");
            return new SqlArray(e.EnumerateArray().Select((item, i) => Read(item, element, $"{where}[{i + 1}]")).ToList());
        }
        try
        {
            switch (type)
            {
                case SqlType.Text when e.ValueKind == JsonValueKind.String: return e.GetString();
                case SqlType.BigInt when e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long l): return l;
                case SqlType.Double when e.ValueKind == JsonValueKind.Number: return e.GetDouble();
                case SqlType.Decimal when e.ValueKind == JsonValueKind.Number: return e.GetDecimal();
                case SqlType.Decimal when e.ValueKind == JsonValueKind.String:
                    return decimal.Parse(e.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture);
                case SqlType.Boolean when e.ValueKind is JsonValueKind.True or JsonValueKind.False: return e.GetBoolean();
                case SqlType.Timestamp when e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long ms): return ms;
                case SqlType.Timestamp when e.ValueKind == JsonValueKind.String:
                    return DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();
                case SqlType.Array when e.ValueKind == JsonValueKind.Array: return ReadUntyped(e);
                case SqlType.Row or SqlType.Unknown or SqlType.Json: return ReadUntyped(e);
            }
        }
        catch (FormatException ex)
        {
            throw new Serialization.SerializationException($"{where}: '{e.GetRawText()}' is not a valid {SqlTypes.Name(type)} ({ex.Message}).", ex);
        }
        throw new Serialization.SerializationException($"{where}: expected a {SqlTypes.Name(type)}, got JSON {e.ValueKind.ToString().ToLowerInvariant()} {Short(e)}.");
    }

    /// <summary>A JSON value without a declared type: integers become BIGINT, other numbers DOUBLE.</summary>
    public static object? ReadUntyped(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.Array => new SqlArray(e.EnumerateArray().Select(ReadUntyped).ToList()),
        _ => new SqlRow(e.EnumerateObject().Select(p => p.Name).ToList(), e.EnumerateObject().Select(p => ReadUntyped(p.Value)).ToList()),
    };

    private static string Short(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "…";
    }
}
