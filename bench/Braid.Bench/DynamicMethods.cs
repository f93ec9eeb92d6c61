using System.Diagnostics.Tracing;

namespace Braid.Bench;

/// <summary>
/// Which dynamic methods (DynamicMethod / LCG: Expression.Compile, Reflection.Emit accessors, interop stubs) a row
/// creates (set <c>BENCH_DYNAMIC_METHODS=1</c> on a child row): listens to the runtime's method-load events (JIT
/// keyword), counts the dynamic ones by name and prints them when the process ends. Each such method is freed by the
/// finalizer thread (<c>DynamicResolver+DestroyScout.Finalize</c>) once dropped, so a count that grows with the passes
/// or the records is work the row pays twice. A diagnostic, not a measurement.
/// </summary>
internal sealed class DynamicMethods : EventListener
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _jitted;

    public static DynamicMethods? StartIfRequested() =>
        Environment.GetEnvironmentVariable("BENCH_DYNAMIC_METHODS") == "1" ? new DynamicMethods() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // JIT keyword (0x10) at verbose level carries MethodLoadVerbose with the method's namespace, name and flags.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.PayloadNames is null) return;
        int ns = e.PayloadNames.IndexOf("MethodNamespace"), name = e.PayloadNames.IndexOf("MethodName"), flags = e.PayloadNames.IndexOf("MethodFlags");
        Interlocked.Increment(ref _jitted);
        // MethodFlags bit 0x1: dynamic method.
        bool dynamic = flags >= 0 && e.Payload![flags] is uint f && (f & 1) != 0;
        if (!dynamic) return;
        string key = $"{e.Payload![ns]}::{e.Payload[name]}";
        lock (_counts) _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    public void Print(TextWriter to)
    {
        lock (_counts)
        {
            to.WriteLine($"  dynamic methods: {_counts.Values.Sum()} of {Interlocked.Read(ref _jitted)} methods loaded");
            foreach (var (name, n) in _counts.OrderByDescending(kv => kv.Value).Take(25))
                to.WriteLine($"  dynamic {n,8}  {name}");
        }
    }
}
