namespace Braid.Queries;

/// <summary>How <see cref="BraidQueryClient"/> reaches other instances.</summary>
public sealed record BraidQueryClientOptions
{
    /// <summary>The scheme of the other instances' query endpoints (default "http"; "https" behind TLS).</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>Where the other instances mapped <see cref="BraidQueryEndpoints.MapBraidQueries"/> (default <c>/braid/queries</c>).</summary>
    public string PathPrefix { get; init; } = "/braid/queries";
}
