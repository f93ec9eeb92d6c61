using Braid.State;

namespace Braid.Internal.State;

/// <summary>A store that can hand out a view safe for reads from several threads at once (<see cref="SharedReadsKeyValueStore{TKey,TValue}"/>).</summary>
internal interface ISharedReadsSource
{
    /// <summary>A view of this store whose reads are serialized with each other.</summary>
    IStateStore ForSharedReads();
}
