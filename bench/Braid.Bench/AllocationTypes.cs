using System.Diagnostics.Tracing;

namespace Braid.Bench;

/// <summary>
/// Where a row's allocations go, by type (set <c>BENCH_ALLOC_TYPES=1</c> on a child row): listens to the runtime's
/// sampled allocation events (one per ~100 KB allocated, naming the type that crossed the threshold) and prints the
/// top types with their share when the process ends. A diagnostic, not a measurement: it slows the row a little.
/// </summary>
internal sealed class AllocationTypes : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public static AllocationTypes? StartIfRequested() =>
        Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES") == "1" ? new AllocationTypes() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1) at verbose level carries GCAllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        int t = e.PayloadNames.IndexOf("TypeName"), a = e.PayloadNames.IndexOf("AllocationAmount64");
        if (t < 0 || e.Payload![t] is not string type) return;
        long amount = a >= 0 && e.Payload[a] is ulong u ? (long)u : 100_000;
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public void Print(TextWriter to)
    {
        lock (_bytes)
        {
            double total = _bytes.Values.Sum();
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(25))
                to.WriteLine($"  alloc {100 * bytes / total,5:F1}%  {type}");
        }
    }
}
