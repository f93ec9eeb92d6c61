using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Braid.Internal;

/// <summary>
/// The running owners (applications, instances) behind one observable instrument: each registers how to measure
/// itself while it runs; <see cref="Observe"/> (the instrument's callback, on the listener's thread) asks every owner
/// and skips one that is closing meanwhile (disposed, or no longer running), rather than failing the whole collection.
/// </summary>
internal sealed class MeasurementSources
{
    private readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<long>>>> _sources = new();

    public void Track(object owner, Func<IEnumerable<Measurement<long>>> measure) => _sources[owner] = measure;

    public void Untrack(object owner) => _sources.TryRemove(owner, out _);

    public IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>();
        foreach (var measure in _sources.Values)
        {
            try
            {
                measurements.AddRange(measure());
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The owner closed between being listed and measured: it has nothing to report.
            }
        }
        return measurements;
    }
}
