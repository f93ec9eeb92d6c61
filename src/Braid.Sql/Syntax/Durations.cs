using System.Globalization;

namespace Braid.Sql.Syntax;

/// <summary>Durations as SQL writes them: '5 minutes', '5' MINUTE, '1 day', '500 milliseconds'; in milliseconds.</summary>
internal static class Durations
{
    public static long? UnitMillis(string unit) => unit.ToLowerInvariant() switch
    {
        "millisecond" or "milliseconds" or "ms" => 1L,
        "second" or "seconds" or "s" => 1000L,
        "minute" or "minutes" or "m" => 60_000L,
        "hour" or "hours" or "h" => 3_600_000L,
        "day" or "days" or "d" => 86_400_000L,
        _ => null,
    };

    public static long Parse(string text, Pos at)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long n) && UnitMillis(parts[1]) is { } unit)
            return checked(n * unit);
        throw at.Error($"'{text}' is not a duration; write INTERVAL '5' MINUTE or '5 minutes' (units: millisecond, second, minute, hour, day).");
    }
}
