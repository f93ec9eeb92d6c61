namespace Braid.Queries;

/// <summary>One session of a key, as remote session queries return it.</summary>
/// <param name="Start">The session start (ms).</param>
/// <param name="End">The session end (ms).</param>
/// <param name="Value">The session's aggregate.</param>
/// <typeparam name="TValue">The aggregate type.</typeparam>
public sealed record SessionValue<TValue>(long Start, long End, TValue Value);
