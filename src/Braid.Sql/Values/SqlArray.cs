using System.Collections;

namespace Braid.Sql;

/// <summary>An ordered list of SQL values (the result of <c>array_agg</c>), compared element by element.</summary>
public sealed class SqlArray : IReadOnlyList<object?>, IEquatable<SqlArray>
{
    private readonly object?[] _items;

    /// <summary>An array of the given values.</summary>
    /// <param name="items">The elements, in order.</param>
    public SqlArray(IEnumerable<object?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
        foreach (var v in _items) SqlValues.CheckSupported(v);
    }

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public object? this[int index] => _items[index];

    /// <inheritdoc />
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(SqlArray? other) => other is not null && SqlValues.SequenceEqual(_items, other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SqlArray a && Equals(a);

    /// <inheritdoc />
    public override int GetHashCode() => SqlValues.SequenceHash(_items);

    /// <inheritdoc />
    public override string ToString() => SqlJson.WriteValue(this);
}
