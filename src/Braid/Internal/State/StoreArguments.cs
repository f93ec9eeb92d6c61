using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Braid.Internal.State;

/// <summary>
/// Argument checks for store operations that do not box. <c>ArgumentNullException.ThrowIfNull(object)</c> boxed
/// every struct key (JoinKey, CombinedKey, windowed keys) on every get, put and delete: in the timeline benchmark's
/// profile the boxes were two thirds of the join-result store's lookups. <c>value is null</c> on a type parameter
/// is free for value types (the JIT removes it) and a null test for reference types.
/// </summary>
internal static class StoreArguments
{
    public static void NotNull<T>([NotNull] T value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null) Throw(name);
    }

    [DoesNotReturn]
    private static void Throw(string? name) => throw new ArgumentNullException(name);
}
