using Braid.State;

namespace Braid.Internal.State.Logging;

/// <summary>
/// What every change-logging store shares, as Kafka's <c>WrappedStateStore</c> under its <c>ChangeLogging*</c>
/// stores: the inner store it writes through, and the <see cref="IStateStore"/> members it forwards unchanged.
/// Subclasses log each write and rebuild the inner store from logged changes (<see cref="Restore"/>).
/// </summary>
/// <typeparam name="TStore">The wrapped store's interface.</typeparam>
internal abstract class ChangeLoggingStore<TStore>(TStore inner) : IStateStore, ILoggedStore
    where TStore : IStateStore
{
    protected TStore Inner { get; } = inner;

    public string Name => Inner.Name;

    public bool IsPersistent => Inner.IsPersistent;

    public abstract void Restore(byte[] key, byte[]? value, long timestamp);

    public void Flush() => Inner.Flush();

    public void Close() => Inner.Close();
}
