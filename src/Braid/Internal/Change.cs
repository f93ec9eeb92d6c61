namespace Braid.Internal;

/// <summary>
/// What a table operator forwards: the new and the old value of a key. Absence is explicit (flags),
/// never a default value, so tables of value types (counts) can still say "no old value".
/// </summary>
internal readonly struct Change<TValue>
{
    public Change(TValue? newValue, bool hasNew, TValue? oldValue, bool hasOld, bool isLatest = true)
    {
        New = hasNew ? newValue : default;
        HasNew = hasNew;
        Old = hasOld ? oldValue : default;
        HasOld = hasOld;
        IsLatest = isLatest;
    }

    public TValue? New { get; }

    public bool HasNew { get; }

    public TValue? Old { get; }

    public bool HasOld { get; }

    /// <summary>False for an out-of-order update of a versioned table (history changed, latest did not).</summary>
    public bool IsLatest { get; }

    public override string ToString() => $"({(HasNew ? New : "<none>")}<-{(HasOld ? Old : "<none>")})";
}

internal static class Change
{
    /// <summary>Builds a change where null means "absent" (for reference and Nullable types).</summary>
    public static Change<T> FromNullable<T>(T? newValue, T? oldValue) =>
        new(newValue, newValue is not null, oldValue, oldValue is not null);
}
