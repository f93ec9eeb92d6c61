using System.Text;
using Spectre.Console;

namespace Braid.Cli;

/// <summary>The console the demos print to: colour and box tables on a terminal, plain text when redirected.</summary>
internal static class DemoConsole
{
    /// <summary>Whether output goes to a file or pipe rather than a terminal.</summary>
    public static bool Redirected => Console.IsOutputRedirected;

    public static IAnsiConsole Create()
    {
        // Arrows and dots in the demo values need UTF-8 whatever the platform's default code page.
        Console.OutputEncoding = Encoding.UTF8;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = Redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // A pipe has no width; 80 columns would wrap every table row, so give redirected output room.
        if (Redirected) console.Profile.Width = 160;
        return console;
    }
}
