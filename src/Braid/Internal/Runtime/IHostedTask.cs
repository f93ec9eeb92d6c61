namespace Braid.Internal.Runtime;

/// <summary>
/// Host SPI — a task as a host keeps it: the host-neutral <see cref="RuntimeTask"/>, where its input comes from,
/// and whether the host still holds output of it that a commit must make durable.
/// </summary>
internal interface IHostedTask
{
    RuntimeTask Runtime { get; }

    IInputSource Input { get; }

    /// <summary>Output the host buffers for this task and has not made durable yet.</summary>
    bool HasPendingOutput { get; }
}
