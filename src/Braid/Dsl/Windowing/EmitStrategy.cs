namespace Braid;

/// <summary>
/// When a windowed aggregation emits (KIP-825): on every update (the default), or once per window with
/// its final result when the window closes.
/// </summary>
public sealed record EmitStrategy
{
    private EmitStrategy(bool onWindowClose) => IsOnWindowClose = onWindowClose;

    /// <summary>True for <see cref="OnWindowClose"/>.</summary>
    public bool IsOnWindowClose { get; }

    /// <summary>Emit the updated aggregate for every record (Kafka's <c>ON_WINDOW_UPDATE</c>).</summary>
    /// <returns>The strategy.</returns>
    public static EmitStrategy OnWindowUpdate() => new(false);

    /// <summary>
    /// Emit each window once, with its final aggregate, when stream time passes its end plus grace
    /// (Kafka's <c>ON_WINDOW_CLOSE</c>). Nothing is emitted for a window before it closes.
    /// </summary>
    /// <returns>The strategy.</returns>
    public static EmitStrategy OnWindowClose() => new(true);
}
