namespace Braid.Internal.State;

/// <summary>A node or table value getter that reads a store by the key of the record it is given, and can name that
/// store's <see cref="IStoredStringKeys"/> (null when its store is not string-keyed in memory).</summary>
internal interface IStoredKeysReader
{
    IStoredStringKeys? StoredKeys { get; }
}
