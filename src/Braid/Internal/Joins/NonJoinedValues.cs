namespace Braid.Internal.Joins;

/// <summary>
/// The values held under one <see cref="NonJoinedKey{TKey}"/>, all of one side (<see cref="IsLeft"/>).
/// <see cref="Headers"/>, when set, holds each value's own headers (same index), so a released result carries
/// the headers of the record it was held for; it stays null while no held value had headers.
/// <para>The first value is a field, later ones (several records of one key at one timestamp, rare) go to a list:
/// a held record costs this one object, not also a list and its array (issue 19: the left join allocated about
/// 100 B/record more than the inner join, 64 B of each held record were that list).</para>
/// </summary>
internal sealed class NonJoinedValues<TLeft, TRight>
{
    private TLeft? _left;
    private TRight? _right;
    private List<TLeft>? _moreLeft;
    private List<TRight>? _moreRight;

    /// <summary>Whether the values are left-side ones (false while empty).</summary>
    public bool IsLeft { get; private set; }

    public int Count { get; private set; }

    public List<Headers?>? Headers { get; set; }

    /// <summary>Where <see cref="HeldRecords{TKey,TLeft,TRight}"/> has these values (not serialized): waiting for the
    /// next commit's put, in the store, released or matched away.</summary>
    internal HeldState Held { get; set; }

    /// <summary>Appends a left value (the values of one key are all of one side).</summary>
    public void AddLeft(TLeft value)
    {
        IsLeft = true;
        if (Count == 0) _left = value;
        else (_moreLeft ??= new List<TLeft>(1)).Add(value);
        Count++;
    }

    /// <summary>Appends a right value.</summary>
    public void AddRight(TRight value)
    {
        if (Count == 0) _right = value;
        else (_moreRight ??= new List<TRight>(1)).Add(value);
        Count++;
    }

    /// <summary>The left value at <paramref name="index"/> (<see cref="IsLeft"/> only).</summary>
    public TLeft LeftAt(int index) => index == 0 ? _left! : _moreLeft![index - 1];

    /// <summary>The right value at <paramref name="index"/> (not <see cref="IsLeft"/>).</summary>
    public TRight RightAt(int index) => index == 0 ? _right! : _moreRight![index - 1];

    /// <summary>The headers of the value at <paramref name="index"/>, or null.</summary>
    public Headers? HeadersAt(int index) => Headers is { } h && index < h.Count ? h[index] : null;

    /// <summary>Records the headers of the value just appended (at index <see cref="Count"/> − 1).</summary>
    public void AddHeaders(Headers? headers)
    {
        if (headers is null && Headers is null) return;
        Headers ??= new List<Headers?>(Count);
        while (Headers.Count < Count - 1) Headers.Add(null);
        // Copied: the input record's headers object may be changed by another branch after this.
        Headers.Add(headers?.Clone());
    }
}

/// <summary>Flags of a held key's values kept in memory by <see cref="HeldRecords{TKey,TLeft,TRight}"/>.</summary>
[Flags]
internal enum HeldState : byte
{
    None = 0,

    /// <summary>Listed for the next pre-commit's put (new, or changed since the store got it).</summary>
    Unstored = 1,

    /// <summary>The store has (or will have, at this commit) the key: releasing it must delete it there.</summary>
    Stored = 2,

    /// <summary>Released or matched away: the pre-commit skips it.</summary>
    Gone = 4,
}
