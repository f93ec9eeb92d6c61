using Braid.Internal.Joins;
using Braid.Internal.Nodes;
using Braid.Serialization;
using Braid.State;

namespace Braid;

public sealed partial class KStream<TKey, TValue>
{
    /// <summary>
    /// Inner windowed stream–stream join: each record is joined with every record of the other stream that has
    /// the same key and lies within <paramref name="windows"/>, whichever arrives first. A result carries the larger
    /// of the two timestamps. Joining a stream with itself pairs every two records within the window once per
    /// ordered pair, a record with itself included.
    /// </summary>
    /// <param name="other">The other stream (co-partitioned with this one).</param>
    /// <param name="joiner">Combines this value and the other value.</param>
    /// <param name="windows">How far apart in time two records may be, and the grace period.</param>
    /// <param name="streamJoined">Serdes, names and store options.</param>
    /// <typeparam name="TOther">The other stream's value type.</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> Join<TOther, TResult>(KStream<TKey, TOther> other, Func<TValue, TOther, TResult> joiner,
        JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        return StreamJoin(other, (l, r) => joiner(l!, r!), windows, streamJoined, left: false, right: false);
    }

    /// <summary>
    /// Left windowed stream–stream join: as the inner join, and a record of this stream that
    /// finds no match is emitted joined with null once its window and grace period have passed in stream time
    /// (or at once when its window had already ended on arrival). Null-key records of this stream are emitted
    /// at once joined with null (KIP-962).
    /// </summary>
    /// <param name="other">The other stream (co-partitioned with this one).</param>
    /// <param name="joiner">Combines this value and the other value (null when there is no match).</param>
    /// <param name="windows">How far apart in time two records may be, and the grace period.</param>
    /// <param name="streamJoined">Serdes, names and store options.</param>
    /// <typeparam name="TOther">The other stream's value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> LeftJoin<TOther, TResult>(KStream<TKey, TOther> other, Func<TValue, TOther?, TResult> joiner,
        JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TOther>("KStream.LeftJoin(KStream)", "other");
        return StreamJoin(other, (l, r) => joiner(l!, r), windows, streamJoined, left: true, right: false);
    }

    /// <summary>
    /// Outer windowed stream–stream join: as the left join, for records of both streams;
    /// an unmatched record of the other stream is emitted with null on this side.
    /// </summary>
    /// <param name="other">The other stream (co-partitioned with this one).</param>
    /// <param name="joiner">Combines this value and the other value; either may be null, never both.</param>
    /// <param name="windows">How far apart in time two records may be, and the grace period.</param>
    /// <param name="streamJoined">Serdes, names and store options.</param>
    /// <typeparam name="TOther">The other stream's value type (must admit null).</typeparam>
    /// <typeparam name="TResult">Result type.</typeparam>
    /// <returns>The joined stream.</returns>
    public KStream<TKey, TResult> OuterJoin<TOther, TResult>(KStream<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner,
        JoinWindows windows, StreamJoined<TKey, TValue, TOther>? streamJoined = null)
    {
        ArgumentNullException.ThrowIfNull(joiner);
        DslSupport.EnsureCanBeAbsent<TValue>("KStream.OuterJoin(KStream)", "this");
        DslSupport.EnsureCanBeAbsent<TOther>("KStream.OuterJoin(KStream)", "other");
        return StreamJoin(other, joiner, windows, streamJoined, left: true, right: true);
    }

    private KStream<TKey, TResult> StreamJoin<TOther, TResult>(KStream<TKey, TOther> other, Func<TValue?, TOther?, TResult> joiner,
        JoinWindows windows, StreamJoined<TKey, TValue, TOther>? sj, bool left, bool right)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(windows);
        if (!ReferenceEquals(other.Builder, Builder)) throw new TopologyException("the two streams come from different StreamsBuilders.");
        bool self = other.NodeName == NodeName && !left && !right;
        bool logging = sj?.LoggingEnabled ?? true, inMemory = sj?.InMemory ?? false;
        var thisInput = RepartitionIfRequired(() => sj?.Name is null ? B.NewName("KSTREAM-JOIN-LEFT-") : sj.Name + "-left", sj?.KeySerde, sj?.ValueSerde);
        var otherInput = self ? null : other.RepartitionIfRequired(() => sj?.Name is null ? B.NewName("KSTREAM-JOIN-RIGHT-") : sj.Name + "-right", sj?.KeySerde, sj?.OtherValueSerde);
        var ks = sj?.KeySerde ?? thisInput.KeySerde ?? Serdes.Default<TKey>();
        var retention = TimeSpan.FromMilliseconds(windows.SizeMs + windows.GraceMs);
        string thisName = sj?.Name is null ? B.NewName(left && right ? "KSTREAM-OUTERTHIS-" : "KSTREAM-JOINTHIS-") : sj.Name + "-this-join";
        string thisStore = sj?.StoreName is null ? thisName + "-store" : sj.StoreName + "-this-join-store";
        AddWindowStore(thisStore, retention, ks, sj?.ValueSerde ?? thisInput.ValueSerde ?? Serdes.Default<TValue>(), logging, inMemory);
        if (self) return SelfJoin(thisInput, thisName, thisStore, windows, joiner);

        string otherName = sj?.Name is null ? B.NewName(left ? "KSTREAM-OUTEROTHER-" : "KSTREAM-JOINOTHER-") : sj.Name + "-other-join";
        string otherStore = sj?.StoreName is null ? otherName + "-store" : sj.StoreName + "-other-join-store";
        AddWindowStore(otherStore, retention, ks, sj?.OtherValueSerde ?? otherInput!.ValueSerde ?? Serdes.Default<TOther>(), logging, inMemory);
        string? heldStore = null;
        if (left)
        {
            heldStore = sj?.StoreName is null ? B.NewStoreName("KSTREAM-OUTERSHARED-") : sj.StoreName + "-outer-shared-join-store";
            var held = new KeyValueStoreBuilder<NonJoinedKey<TKey>, NonJoinedValues<TValue, TOther>>(heldStore, new NonJoinedKeySerde<TKey>(ks),
                new NonJoinedValuesSerde<TValue, TOther>(sj?.ValueSerde ?? thisInput.ValueSerde ?? Serdes.Default<TValue>(),
                    sj?.OtherValueSerde ?? otherInput!.ValueSerde ?? Serdes.Default<TOther>()))
            { LoggingEnabled = logging, InMemory = inMemory };
            B.AddStore(held);
        }
        string mergeName = sj?.Name is null ? B.NewName("KSTREAM-MERGE-") : sj.Name + "-merge";
        var spec = new StreamStreamJoinSpec<TKey, TValue, TOther, TResult>(mergeName, windows, thisStore, otherStore, heldStore, left, right,
            (_, l, r) => joiner(l, r), ks);
        B.AddProcessor(thisName, () => new StreamStreamJoinLeftSide<TKey, TValue, TOther, TResult>(thisName, spec), thisInput.NodeName);
        B.AddProcessor(otherName, () => new StreamStreamJoinRightSide<TKey, TValue, TOther, TResult>(otherName, spec), otherInput!.NodeName);
        string[] stores = heldStore is null ? [thisStore, otherStore] : [thisStore, otherStore, heldStore];
        B.ConnectStores(thisName, stores);
        B.ConnectStores(otherName, stores);
        B.AddProcessor(mergeName, () => new PassThroughNode<TKey, TResult>(mergeName), thisName, otherName);
        return new KStream<TKey, TResult>(Builder, mergeName, ks, null, false);
    }

    private KStream<TKey, TResult> SelfJoin<TOther, TResult>(KStream<TKey, TValue> input, string name, string store, JoinWindows windows,
        Func<TValue?, TOther?, TResult> joiner)
    {
        // Only reached when TOther is TValue (the same stream on both sides).
        var typed = (Func<TValue?, TValue?, TResult>)(object)joiner;
        B.AddProcessor(name, () => new StreamStreamSelfJoin<TKey, TValue, TResult>(name, store, windows, (_, a, b) => typed(a, b)), input.NodeName);
        B.ConnectStores(name, store);
        return new KStream<TKey, TResult>(Builder, name, input.KeySerde, null, false);
    }

    private void AddWindowStore<TStored>(string name, TimeSpan retention, Serde<TKey> ks, Serde<TStored> vs, bool logging, bool inMemory) =>
        B.AddStore(new WindowStoreBuilder<TKey, TStored>(name, retention, retainDuplicates: true, ks, vs) { LoggingEnabled = logging, InMemory = inMemory });
}
