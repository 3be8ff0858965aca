using System.Management.Automation;
using Scylla.Core.Workspaces;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// The re-run options Invoke-ScyllaRerun takes, and Submit-ScyllaRerun passes on to the Invoke-ScyllaRerun of each
/// Slurm task: the same names, checks and defaults in both.
/// </summary>
public abstract class RerunOptionsCommand : RerunSelectionCommand
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InstructionTemplatePath { get; set; }

    /// <summary>The agent executable (default: claude), called with claude's arguments.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string AgentPath { get; set; } = "claude";

    /// <summary>The judge executable (default: claude), called with claude's arguments.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string JudgePath { get; set; } = "claude";

    /// <summary>The judges' system prompt (default: the module's judge-system-prompt.md).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JudgeSystemPromptPath { get; set; }

    /// <summary>Overrides the experiment's timeout_seconds for the agent.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>How long one judge may take (default: 1200 s); a judge past it is ended and its slot Failed.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? JudgeTimeoutSeconds { get; set; }

    /// <summary>On a rate limit, pause the whole batch until the limit lifts, then go on.</summary>
    [Parameter]
    public SwitchParameter WaitOnRateLimit { get; set; }

    /// <summary>The longest pause -WaitOnRateLimit accepts; a limit further away ends the run RateLimited.</summary>
    [Parameter]
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many judges of one run run at once (default: all of its judges).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int? JudgeThrottleLimit { get; set; }

    /// <summary>Re-run even when the checkpoint or experiment.pid shows a live runner on this host.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    /// <summary>The workspace options of the re-run; the plan opens the base repository with the same.</summary>
    private protected override WorkspaceOptions RepositoryOptions => new()
    {
        RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath),
        InstructionTemplatePath = WorkspaceParameters.Resolve(this, InstructionTemplatePath),
        SkipOwnershipCheck = SkipOwnershipCheck,
    };

    /// <summary>A path (it holds a separator) resolves against the session's location; a bare name is looked up in
    /// PATH.</summary>
    protected string ResolveExecutable(string value) =>
        value.Contains('/') || value.Contains(System.IO.Path.DirectorySeparatorChar)
            ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(value)
            : value;
}
