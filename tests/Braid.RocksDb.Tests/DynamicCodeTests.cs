using System.Diagnostics.Tracing;
using System.Reflection.Emit;
using Braid.Processors;
using Braid.Serialization;
using Braid.State;

namespace Braid.RocksDb.Tests;

/// <summary>
/// Opening, using and closing RocksDB stores must not create dynamic methods (DynamicMethod/LCG: Expression.Compile,
/// Reflection.Emit accessors, a serializer's options or a native binding built per call) after the first time: each one
/// is JIT-compiled on the calling thread and later freed by the finalizer thread, work the benchmark's RocksDB row
/// (a fresh backend and driver per pass) and the Kafka host (stores reopened on every rebalance) would pay again and
/// again. Issue 19 suspected this from a profile (the finalizer in <c>DynamicResolver+DestroyScout.Finalize</c>);
/// the count turned out constant (RocksDbSharp binds its native functions once per process). This keeps it so.
/// The collection runs alone: other tests' JSON serdes would create dynamic methods on other threads meanwhile
/// (only this thread's methods are counted, but a quiet process keeps the runtime's event dispatch prompt).
/// </summary>
[Collection(nameof(DynamicCodeTests))]
[CollectionDefinition(nameof(DynamicCodeTests), DisableParallelization = true)]
public sealed class DynamicCodeTests
{
    /// <summary>A store value through the default JSON serde (a serde created per cycle, as a topology built per pass does).</summary>
    public sealed record Item(string Name, int Count);

    [Fact]
    public void StoresOpenedUsedAndClosedAgain_CreateNoDynamicMethods_AfterTheFirstTime()
    {
        // Two cycles first: RocksDbSharp's native bindings, P/Invoke stubs and reflection invoke stubs (emitted on a
        // member's second reflective call) are once per process.
        Cycle();
        Cycle();
        using var recorder = new DynamicMethodRecorder();
        var created = recorder.Around(() =>
        {
            // A pause longer than System.Text.Json's accessor cache keeps an unused entry (about a second): with options per
            // serde, a serde made after it emitted its member accessors again (the flake of this test under load).
            Thread.Sleep(2500);
            for (int i = 0; i < 3; i++) Cycle();
        });
        Assert.True(created.Count == 0, "dynamic methods created by reopening stores: " + string.Join(", ", created));
    }

    [Fact]
    public void TheRecorder_SeesADynamicMethodCreatedBetweenItsMarkers()
    {
        // The check above passes vacuously if the recorder misses events: it must see one created on purpose.
        using var recorder = new DynamicMethodRecorder();
        var created = recorder.Around(() => DynamicMethodRecorder.Marker("braid-test-created-on-purpose"));
        Assert.Contains(created, name => name.EndsWith("braid-test-created-on-purpose", StringComparison.Ordinal));
    }

    private static void Cycle()
    {
        using var dir = new TempStateDirectory();
        var backend = dir.Open();
        var task = backend.OpenTask(new TaskId(0, 0));
        var kv = task.Stores.CreateKeyValueStore(Stores.KeyValue("kv", Serdes.String, Serdes.Json<Item>()));
        var window = task.Stores.CreateWindowStore(new WindowStoreBuilder<string, string>("win", TimeSpan.FromMilliseconds(100), true, Serdes.String, Serdes.String));
        var versioned = task.Stores.CreateVersionedKeyValueStore(new VersionedStoreBuilder<string, string>("ver", TimeSpan.FromMilliseconds(100), Serdes.String, Serdes.String));
        var session = task.Stores.CreateSessionStore(new SessionStoreBuilder<string, string>("ses", TimeSpan.FromMilliseconds(100), Serdes.String, Serdes.String));
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 50; i++)
            {
                kv.Put("k" + i, new Item("n" + i, i + round));
                window.Put("w" + (i % 5), "v" + i, 10 * round + i);
                versioned.Put("v" + (i % 5), "x" + i, 10 * round + i);
                session.Put(new Windowed<string>("s" + (i % 5), new Window(i, i + 3)), "s" + i);
            }
            backend.Commit([task], new Dictionary<string, byte[]?> { ["offset"] = [(byte)round] });
            Assert.True(kv.TryGet("k7", out var item) && item.Count == 7 + round);
            Assert.False(kv.TryGet("absent", out _));
            Assert.Equal(50, kv.All().Count());
            Assert.NotEmpty(window.Fetch("w1", 0, 100));
            kv.Delete("k3");
        }
        task.Dispose();
    }
}

/// <summary>
/// Records the dynamic methods JIT-compiled on the calling thread while an action runs, from the runtime's method-load
/// events (JIT keyword; flag 0x1 = dynamic). The events arrive asynchronously: a marker method compiled before and after
/// the action bounds them, and waiting for the end marker means every event of the action has arrived (one thread's
/// events are delivered in order).
/// </summary>
internal sealed class DynamicMethodRecorder : EventListener
{
    private readonly List<(long Thread, string Name)> _loads = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.PayloadNames is null) return;
        int name = e.PayloadNames.IndexOf("MethodName"), ns = e.PayloadNames.IndexOf("MethodNamespace"), flags = e.PayloadNames.IndexOf("MethodFlags");
        if (name < 0 || flags < 0 || e.Payload![flags] is not uint f || (f & 1) == 0) return;
        lock (_loads) _loads.Add((e.OSThreadId, $"{e.Payload[ns]}::{e.Payload[name]}"));
    }

    /// <summary>The dynamic methods compiled on this thread while <paramref name="action"/> ran (markers excluded).</summary>
    public List<string> Around(Action action)
    {
        string start = "braid-marker-start-" + Guid.NewGuid().ToString("N"), end = "braid-marker-end-" + Guid.NewGuid().ToString("N");
        // The listener enables its events asynchronously: compile start markers until one is seen.
        var deadline = DateTime.UtcNow.AddSeconds(60); // a clock for a timeout only, never for a result
        int startIndex;
        while ((startIndex = IndexOf(start)) < 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the runtime's method-load events never arrived");
            Marker(start);
            Thread.Sleep(20);
        }
        action();
        Marker(end);
        int endIndex;
        while ((endIndex = IndexOf(end)) < 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the end marker's method-load event never arrived");
            Thread.Sleep(20);
        }
        lock (_loads)
        {
            long thread = _loads[startIndex].Thread;
            return _loads.Skip(startIndex + 1).Take(endIndex - startIndex - 1)
                .Where(l => l.Thread == thread && !l.Name.Contains("braid-marker-", StringComparison.Ordinal))
                .Select(l => l.Name).ToList();
        }
    }

    private int IndexOf(string marker)
    {
        lock (_loads) return _loads.FindIndex(l => l.Name.EndsWith(marker, StringComparison.Ordinal));
    }

    /// <summary>Creates and runs a new dynamic method of that name (compiled on this thread).</summary>
    public static void Marker(string name)
    {
        var method = new DynamicMethod(name, typeof(void), Type.EmptyTypes);
        method.GetILGenerator().Emit(OpCodes.Ret);
        ((Action)method.CreateDelegate(typeof(Action)))();
    }
}
