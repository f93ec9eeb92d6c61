using Braid.Embedded;

namespace Braid.Dashboard;

/// <summary>Where the dashboard is served and what it shows.</summary>
public sealed record BraidDashboardOptions
{
    /// <summary>The URL path of the page (its data is served below it). Default <c>/braid</c>.</summary>
    public string Path { get; init; } = "/braid";

    /// <summary>The application to show; null resolves the <see cref="BraidApplication"/> registered by <c>AddBraid</c>.</summary>
    public BraidApplication? Application { get; init; }

    /// <summary>A dead-letter topic whose record count the page shows (null: none).</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>How often the page is sent a fresh snapshot. Default 500 ms.</summary>
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
