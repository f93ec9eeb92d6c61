using System.Text.Json.Serialization;

namespace Braid.Sql;

/// <summary>
/// One row of a SQL relation: column names and values. Values are <c>null</c>, <see cref="bool"/>,
/// <see cref="long"/>, <see cref="double"/>, <see cref="decimal"/>, <see cref="string"/>, a nested
/// <see cref="SqlRow"/> (<c>table.*</c>) or a <see cref="SqlArray"/> (<c>array_agg</c>). Equality, hashing and
/// ordering look at the values only, position by position (names are labels for display), so two keys
/// built by different relations from equal values are the same key — what a join on keys needs.
/// </summary>
[JsonConverter(typeof(SqlRowJsonConverter))]
public sealed class SqlRow : IEquatable<SqlRow>, IComparable<SqlRow>
{
    private readonly string[] _names;
    private readonly object?[] _values;

    /// <summary>A row of the given columns; <paramref name="names"/> and <paramref name="values"/> have the same length.</summary>
    /// <param name="names">Column names.</param>
    /// <param name="values">Column values.</param>
    public SqlRow(IReadOnlyList<string> names, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Count != values.Count) throw new ArgumentException($"{names.Count} names but {values.Count} values.", nameof(values));
        _names = [.. names];
        _values = [.. values];
        foreach (var v in _values) SqlValues.CheckSupported(v);
    }

    private SqlRow(string[] names, object?[] values, bool _)
    {
        _names = names;
        _values = values;
    }

    internal static SqlRow Unchecked(string[] names, object?[] values) => new(names, values, true);

    /// <summary>The number of columns.</summary>
    public int Count => _values.Length;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The values, in column order.</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <summary>The value of column <paramref name="index"/>.</summary>
    /// <param name="index">Column position.</param>
    public object? this[int index] => _values[index];

    /// <summary>The value of the column named <paramref name="name"/> (ordinal comparison).</summary>
    /// <param name="name">Column name.</param>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public object? this[string name]
    {
        get
        {
            int i = Array.IndexOf(_names, name);
            return i >= 0 ? _values[i] : throw new KeyNotFoundException($"The row has no column '{name}' (it has {string.Join(", ", _names)}).");
        }
    }

    /// <inheritdoc />
    public bool Equals(SqlRow? other) => other is not null && SqlValues.SequenceEqual(_values, other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SqlRow r && Equals(r);

    /// <inheritdoc />
    public override int GetHashCode() => SqlValues.SequenceHash(_values);

    /// <summary>Orders rows value by value (nulls first, as <see cref="SqlValues"/> orders values).</summary>
    /// <param name="other">The other row.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(SqlRow? other)
    {
        if (other is null) return 1;
        for (int i = 0; i < Math.Min(_values.Length, other._values.Length); i++)
        {
            int c = SqlValues.Compare(_values[i], other._values[i]);
            if (c != 0) return c;
        }
        return _values.Length.CompareTo(other._values.Length);
    }

    /// <summary>The row as a JSON object (column name to value).</summary>
    /// <returns>Compact JSON text.</returns>
    public string ToJson() => SqlJson.Write(this);

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
