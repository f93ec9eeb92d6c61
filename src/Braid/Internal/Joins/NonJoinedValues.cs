namespace Braid.Internal.Joins;

/// <summary>
/// The values held under one <see cref="NonJoinedKey{TKey}"/>: only the list of that key's side is set.
/// <see cref="Headers"/>, when set, holds each value's own headers (same index), so a released result carries
/// the headers of the record it was held for; it stays null while no held value had headers.
/// </summary>
internal sealed class NonJoinedValues<TLeft, TRight>
{
    public List<TLeft>? Left { get; set; }

    public List<TRight>? Right { get; set; }

    public List<Headers?>? Headers { get; set; }

    public int Count => Left?.Count ?? Right?.Count ?? 0;

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
