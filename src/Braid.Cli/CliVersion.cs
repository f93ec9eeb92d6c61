using System.Reflection;

namespace Braid.Cli;

/// <summary>The version <c>braid --version</c> prints: the package version this tool was packed as.</summary>
internal static class CliVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(CliVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(CliVersion).Assembly.GetName().Version?.ToString() ?? "unknown";
        // The SDK appends "+<commit>" for SourceLink; the commit is in the package metadata, not the version.
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
