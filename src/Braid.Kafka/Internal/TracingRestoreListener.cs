using System.Diagnostics;
using Braid.Internal.Telemetry;

namespace Braid.Kafka.Internal;

/// <summary>
/// Gives each store partition's restore a "restore" span (start to end, with the record counts), then tells the
/// user's listener. Restores run in steps of the poll loop, so the span is detached: it is not the parent of
/// what the loop does meanwhile. Costs nothing when no tracer listens.
/// </summary>
internal sealed class TracingRestoreListener(IStateRestoreListener? inner) : IStateRestoreListener
{
    private readonly Dictionary<(string Store, string Changelog), Activity> _open = new();

    public void OnRestoreStart(string store, string changelog, long startOffset, long endOffset)
    {
        if (BraidTracing.StartRestore($"{store} {changelog}", detached: true) is { } span)
        {
            span.SetTag("braid.restore.start_offset", startOffset);
            span.SetTag("braid.restore.end_offset", endOffset);
            _open[(store, changelog)] = span;
        }
        inner?.OnRestoreStart(store, changelog, startOffset, endOffset);
    }

    public void OnBatchRestored(string store, string changelog, long batchEndOffset, long batchRecords) =>
        inner?.OnBatchRestored(store, changelog, batchEndOffset, batchRecords);

    public void OnRestoreEnd(string store, string changelog, long totalRecords)
    {
        if (_open.Remove((store, changelog), out var span))
        {
            span.SetTag("braid.restore.records", totalRecords);
            var current = Activity.Current;
            span.Dispose();
            Activity.Current = current;
        }
        inner?.OnRestoreEnd(store, changelog, totalRecords);
    }
}
