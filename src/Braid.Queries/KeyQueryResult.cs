namespace Braid.Queries;

/// <summary>The answer to a routed key lookup: whether the key was found, its value, and which instance answered.</summary>
/// <param name="Found">True when the store holds the key (absence is explicit, never a default value).</param>
/// <param name="Value">The value when found.</param>
/// <param name="Host">The instance that answered (its <c>ApplicationServer</c>).</param>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed record KeyQueryResult<TValue>(bool Found, TValue? Value, string Host);
