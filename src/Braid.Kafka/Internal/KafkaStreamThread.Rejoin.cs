namespace Braid.Kafka.Internal;

internal sealed partial class KafkaStreamThread
{
    private bool _rejoining;

    /// <summary>
    /// Test hook (<see cref="HandOverTestHooks.RequestRejoin"/>): unsubscribe, let the poll run the revocation callback for
    /// every task held, then subscribe again once nothing is assigned. Only with the task topic (not lag-aware per-task topics).
    /// </summary>
    private void MaybeRejoin()
    {
        if (_standbys?.Hooks is not { } hooks || _layout.PerTaskTopics || _group is null) return;
        if (hooks.TakeRejoinRequest())
        {
            _group.Unsubscribe();
            _rejoining = true;
        }
        else if (_rejoining && _group.Assignment.Count == 0)
        {
            _group.Subscribe(_layout.TasksTopic);
            _rejoining = false;
            hooks.Rejoined();
        }
    }
}
