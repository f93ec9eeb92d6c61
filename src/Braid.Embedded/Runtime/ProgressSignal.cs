namespace Braid.Embedded.Runtime;

/// <summary>
/// Wakes <see cref="BraidApplication.WaitForIdleAsync"/> when something that can end a wait has happened: a stream
/// thread ran dry (its batch found nothing to do and it committed what it had), or the application changed state.
/// Costs one volatile read per pulse while nobody waits; a waiter arms it, and the next pulse completes the task it
/// took and disarms it. A waiter takes <see cref="Next"/> before it checks, so a pulse between its check and its
/// wait is never lost.
/// </summary>
internal sealed class ProgressSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _armed;

    /// <summary>A task that completes at the next pulse.</summary>
    public Task Next()
    {
        lock (_gate)
        {
            _armed = true;
            return _next.Task;
        }
    }

    public void Pulse()
    {
        if (!_armed) return;
        TaskCompletionSource fired;
        lock (_gate)
        {
            if (!_armed) return;
            _armed = false;
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        fired.TrySetResult();
    }
}
