namespace Scylla.PowerShell.Infrastructure;

/// <summary>Resolves the optional path parameters of the workspace cmdlets through the session state.</summary>
internal static class WorkspaceParameters
{
    public static string? Resolve(System.Management.Automation.PSCmdlet cmdlet, string? path) =>
        string.IsNullOrEmpty(path) ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
