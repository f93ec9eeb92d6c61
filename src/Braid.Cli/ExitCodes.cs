namespace Braid.Cli;

/// <summary>The CLI's exit codes: 0 success, 1 failure, 2 bad usage.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
