namespace Braid.State;

/// <summary>A store of a topology as interactive queries see it.</summary>
/// <param name="Name">The store name.</param>
/// <param name="Kind">Its kind (which getter reads it).</param>
/// <param name="KeyType">The key type.</param>
/// <param name="ValueType">The value type the getter takes (for timestamped stores, without <see cref="ValueAndTimestamp{TValue}"/>).</param>
/// <param name="IsGlobal">True for a global table's store (every instance holds all of it).</param>
public sealed record QueryableStoreInfo(string Name, QueryableStoreKind Kind, Type KeyType, Type ValueType, bool IsGlobal);
