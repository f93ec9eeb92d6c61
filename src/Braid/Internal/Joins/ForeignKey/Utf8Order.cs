using System.Text;

namespace Braid.Internal.Joins.ForeignKey;

/// <summary>
/// Strings compared as their UTF-8 bytes are (what RocksDB and Kafka's byte-keyed stores do), without encoding them.
/// <para>UTF-8 encodes valid UTF-16 injectively and in code-point order, so for well-formed strings "same bytes" is
/// ordinal equality and "byte order" is code-point order. Code-point order differs from ordinal (UTF-16 code unit)
/// order only where one string has a surrogate (a code point ≥ U+10000) and the other a unit in U+E000–U+FFFF at the
/// first difference: <see cref="Rank"/> moves the surrogates above that range. Unpaired surrogates are the one case
/// where different strings have equal bytes (each becomes U+FFFD): <see cref="Canonical"/> maps such a string to the
/// string its bytes decode to, so the rules above hold for every canonical string.</para>
/// </summary>
internal static class Utf8Order
{
    /// <summary>The well-formed string with the same UTF-8 bytes as <paramref name="s"/>: <paramref name="s"/> itself
    /// unless it has an unpaired surrogate (one vectorized scan; a copy only then).</summary>
    public static string Canonical(string s)
    {
        int i = s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0 || IsWellFormedFrom(s, i)) return s;
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
    }

    /// <summary>Negative, zero or positive as the UTF-8 bytes of the canonical strings <paramref name="a"/> and
    /// <paramref name="b"/> compare.</summary>
    public static int Compare(string a, string b)
    {
        if (ReferenceEquals(a, b)) return 0;
        int i = a.AsSpan().CommonPrefixLength(b);
        if (i == a.Length || i == b.Length) return a.Length - b.Length; // a prefix's bytes are a prefix of the bytes
        return Rank(a[i]) - Rank(b[i]);
    }

    // Code units below U+D800 keep their place; U+E000–U+FFFF move down by 0x800 and surrogates up by 0x2000, so a
    // surrogate (part of a code point ≥ U+10000, whose UTF-8 starts with F0–F4) ranks above U+FFFF (EF …).
    private static int Rank(char c) => c < '\uD800' ? c : c < '\uE000' ? c + 0x2000 : c - 0x800;

    private static bool IsWellFormedFrom(string s, int i)
    {
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (!char.IsHighSurrogate(c) || i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
            i++;
        }
        return true;
    }
}
