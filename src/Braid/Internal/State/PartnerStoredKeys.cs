using System.Diagnostics.CodeAnalysis;

namespace Braid.Internal.State;

/// <summary>
/// The key instances of a table's own store, and on a miss those of the store its join partner reads by the same key
/// (a table–table join: Kafka's <c>KTableKTableInnerJoin</c> and siblings look the other table up with the record's
/// own key, <c>valueGetter.get(record.key())</c>). A key new to this table but held by the partner is stored here as
/// the partner's instance, so the join's lookup of the other store then matches the key by reference instead of
/// reading the other store's copy of its characters (issue 19, table–table driver row: the other side's lookup was
/// ~15 % of the row's samples). Hits in the own store, the common case, cost what they cost without a partner.
/// </summary>
internal sealed class PartnerStoredKeys(IStoredStringKeys own, IStoredStringKeys partner) : IStoredStringKeys
{
    public bool TryGetStoredKey(ReadOnlySpan<char> chars, [NotNullWhen(true)] out string? key) =>
        own.TryGetStoredKey(chars, out key) || partner.TryGetStoredKey(chars, out key);
}
