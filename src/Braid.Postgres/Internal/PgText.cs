using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Braid.Postgres;

/// <summary>
/// Converts PostgreSQL's text output of a column (what pgoutput sends in text mode, and what
/// <c>col::text</c> returns in the snapshot — one path, so snapshot and streamed rows are equal) into
/// JSON. The mapping is documented in docs/databases.md.
/// </summary>
internal static class PgText
{
    public static JsonNode? ToJson(string text, uint typeOid)
    {
        if (ArrayElement(typeOid) is { } element) return ParseArray(text, element);
        switch (typeOid)
        {
            case 16: return JsonValue.Create(text is "t" or "true"); // pgoutput sends t/f, bool::text gives true/false
            case 20 or 21 or 23 or 26: return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
            case 700 or 701 or 1700:
                return text is "NaN" or "Infinity" or "-Infinity" ? JsonValue.Create(text) : JsonNode.Parse(text);
            case 114 or 3802: return JsonNode.Parse(text) ?? JsonValue.Create("null");
            case 1184: return JsonValue.Create(TimestampTz(text));
            case 1114: return JsonValue.Create(text.Length > 10 && text[10] == ' ' ? string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11)) : text);
            case 17: return JsonValue.Create(Bytea(text));
            default: return JsonValue.Create(text);
        }
    }

    /// <summary>timestamptz text ("2024-01-02 03:04:05.123+01", "+05:30", "infinity") as ISO 8601 in UTC.</summary>
    private static string TimestampTz(string text)
    {
        string s = text;
        if (s.Length >= 3 && (s[^3] == '+' || s[^3] == '-')) s += ":00";
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)
            ? dto.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture)
            : text; // infinity, BC dates: kept as PostgreSQL wrote them
    }

    private static string Bytea(string text)
    {
        if (!text.StartsWith("\\x", StringComparison.Ordinal)) return text;
        return Convert.ToBase64String(Convert.FromHexString(text.AsSpan(2)));
    }

    private static uint? ArrayElement(uint arrayOid) => arrayOid switch
    {
        1000 => 16, 1005 => 21, 1007 => 23, 1016 => 20, 1021 => 700, 1022 => 701, 1231 => 1700,
        1009 => 25, 1015 => 1043, 1014 => 1042, 2951 => 2950, 1185 => 1184, 1115 => 1114, 1182 => 1082,
        199 => 114, 3807 => 3802, 1001 => 17,
        _ => null,
    };

    /// <summary>Parses an array literal (<c>{1,2,NULL}</c>, <c>{"a b","c\"d"}</c>, nested <c>{{1,2},{3,4}}</c>).</summary>
    private static JsonNode ParseArray(string text, uint element)
    {
        int i = 0;
        if (text.StartsWith('[')) i = text.IndexOf('=', StringComparison.Ordinal) + 1; // "[0:2]={…}" bounds prefix
        var result = ParseLevel(text, ref i, element);
        return result;
    }

    private static JsonArray ParseLevel(string s, ref int i, uint element)
    {
        if (s[i] != '{') throw new FormatException($"array literal expected '{{' at {i}: {s}");
        i++;
        var array = new JsonArray();
        if (s[i] == '}') { i++; return array; }
        while (true)
        {
            if (s[i] == '{') array.Add(ParseLevel(s, ref i, element));
            else if (s[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (s[i] != '"')
                {
                    if (s[i] == '\\') i++;
                    sb.Append(s[i++]);
                }
                i++;
                array.Add(ToJson(sb.ToString(), element));
            }
            else
            {
                int start = i;
                while (s[i] != ',' && s[i] != '}') i++;
                string raw = s[start..i].Trim();
                array.Add(raw.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : ToJson(raw, element));
            }
            if (s[i] == ',') { i++; continue; }
            if (s[i] == '}') { i++; return array; }
            throw new FormatException($"array literal: unexpected '{s[i]}' at {i}: {s}");
        }
    }
}
