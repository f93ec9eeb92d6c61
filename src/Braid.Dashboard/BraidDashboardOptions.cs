using Braid.Embedded;

namespace Braid.Dashboard;

/// <summary>Where the dashboard is served and what it shows.</summary>
public sealed record BraidDashboardOptions
{
    /// <summary>The URL path of the page (its data is served below it). Default <c>/braid</c>.</summary>
    public string Path { get; init; } = "/braid";

    /// <summary>
    /// The application to show; null resolves the <see cref="BraidApplication"/> registered by <c>AddBraid</c>
    /// (unless <see cref="AttachStateDirectory"/> is set).
    /// </summary>
    public BraidApplication? Application { get; init; }

    /// <summary>
    /// Shows an application running in another process instead: the state directory it runs in. The dashboard
    /// talks to it only through its diagnostics socket (<see cref="BraidApplicationOptions.DiagnosticsSocket"/>);
    /// store lookups run in that application with its own serdes. This is what <c>braid ui --state-dir</c> does.
    /// </summary>
    public string? AttachStateDirectory { get; init; }

    /// <summary>With <see cref="AttachStateDirectory"/>: which application, when several run in that directory.</summary>
    public string? AttachApplicationId { get; init; }

    /// <summary>A dead-letter topic whose record count the page shows (null: none).</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>How often the page is sent a fresh snapshot. Default 500 ms.</summary>
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
