using System.Collections;

namespace Braid;

/// <summary>A header of a record: a name and raw bytes (null allowed), as in Kafka.</summary>
/// <param name="Key">The header name.</param>
/// <param name="Value">The header bytes.</param>
public readonly record struct Header(string Key, byte[]? Value);

/// <summary>
/// The ordered, mutable list of headers of a record. Headers are carried through a topology as they
/// are; operators that combine two records (joins) keep the headers of the triggering record.
/// </summary>
public sealed class Headers : IEnumerable<Header>
{
    private readonly List<Header> _items = new();

    /// <summary>Number of headers.</summary>
    public int Count => _items.Count;

    /// <summary>Appends a header.</summary>
    /// <param name="key">The header name.</param>
    /// <param name="value">The header bytes.</param>
    /// <returns>This instance, for chaining.</returns>
    public Headers Add(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _items.Add(new Header(key, value));
        return this;
    }

    /// <summary>Removes every header with that name.</summary>
    /// <param name="key">The header name.</param>
    /// <returns>This instance, for chaining.</returns>
    public Headers Remove(string key)
    {
        _items.RemoveAll(h => h.Key == key);
        return this;
    }

    /// <summary>The last header with that name, if any.</summary>
    /// <param name="key">The header name.</param>
    /// <param name="header">The header found.</param>
    /// <returns>True when found.</returns>
    public bool TryGetLast(string key, out Header header)
    {
        for (int i = _items.Count - 1; i >= 0; i--)
        {
            if (_items[i].Key == key) { header = _items[i]; return true; }
        }
        header = default;
        return false;
    }

    /// <summary>A copy of these headers.</summary>
    /// <returns>The copy.</returns>
    public Headers Clone()
    {
        var h = new Headers();
        h._items.AddRange(_items);
        return h;
    }

    /// <inheritdoc />
    public IEnumerator<Header> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
