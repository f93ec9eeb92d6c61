namespace Braid.Internal.State.Logging;

/// <summary>A store whose writes are logged to an <see cref="IChangeSink"/>, and that can be rebuilt from those changes.</summary>
internal interface ILoggedStore
{
    string Name { get; }

    /// <summary>Applies one logged change to the inner store without logging it again (restore / replay).</summary>
    void Restore(byte[] key, byte[]? value, long timestamp);
}
