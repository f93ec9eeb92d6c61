namespace Braid.Internal.Joins;

/// <summary>The values held under one <see cref="NonJoinedKey{TKey}"/>: only the list of that key's side is set.</summary>
internal sealed class NonJoinedValues<TLeft, TRight>
{
    public List<TLeft>? Left { get; set; }

    public List<TRight>? Right { get; set; }
}
