using Braid.Internal.Aggregations;
using Braid.Serialization;

namespace Braid.RocksDb.Tests;

/// <summary>The list model and byte counter shared by the Collect member-store tests (pages and entries layouts).</summary>
internal static class CollectMemberModel
{
    internal static List<int> Members(Dictionary<string, List<int>> groups, string group) =>
        groups.TryGetValue(group, out var list) ? list : groups[group] = new List<int>();

    internal static Dictionary<string, List<int>> Copy(Dictionary<string, List<int>> groups) =>
        groups.ToDictionary(g => g.Key, g => new List<int>(g.Value));

    internal static List<int> Read(PagedMembers<string, int> members)
    {
        var list = new List<int>();
        for (int i = 0; i < members.Count; i++) list.Add(members[i]);
        Assert.Equal(list, members.CopyFirst(members.Count));
        return list;
    }

    /// <summary>Counts the value bytes the store serializes: what its commits write.</summary>
    internal sealed class CountingSerde(Serde<MemberPage<int>> inner) : Serde<MemberPage<int>>
    {
        public long Bytes { get; set; }

        public override byte[] Serialize(MemberPage<int> value)
        {
            var bytes = inner.Serialize(value);
            Bytes += bytes.Length;
            return bytes;
        }

        /// <summary>Values deserialized: entries read back from RocksDB.</summary>
        public long Reads { get; set; }

        public override MemberPage<int> Deserialize(ReadOnlySpan<byte> data)
        {
            Reads++;
            return inner.Deserialize(data);
        }
    }
}
