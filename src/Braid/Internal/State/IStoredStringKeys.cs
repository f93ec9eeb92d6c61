using System.Diagnostics.CodeAnalysis;

namespace Braid.Internal.State;

/// <summary>
/// A store keyed by strings that hands out the key instance it holds for given characters. A source node decodes a
/// record's key bytes onto the stack and, when the store its child reads already holds that key, forwards the stored
/// instance: no string is allocated for the key, and the child's lookup compares the key by reference instead of by
/// its characters (issue 19: the key's decode and compare were most of what the stream–table driver row paid over
/// plain C#, whose probe key is the stored instance).
/// </summary>
internal interface IStoredStringKeys
{
    /// <summary>The stored key whose characters are <paramref name="chars"/>, if the store holds one.</summary>
    bool TryGetStoredKey(ReadOnlySpan<char> chars, [NotNullWhen(true)] out string? key);
}
