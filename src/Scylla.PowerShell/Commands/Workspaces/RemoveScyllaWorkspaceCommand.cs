using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Removes a run's worktree and its branch; refuses one with changes or a lock unless -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ScyllaWorkspace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(void))]
public sealed class RemoveScyllaWorkspaceCommand : RunSelectionCommand
{
    private const string WorkspaceSet = "Workspace";

    private readonly ExperimentCache _experiments = new();

    #region Parameters

    [Parameter(ParameterSetName = WorkspaceSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ScyllaWorkspace[] Workspace { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    /// <summary>Remove a worktree that has uncommitted or untracked changes, or is locked.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter KeepBranch { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var options = new WorkspaceOptions
        {
            RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath),
            Force = Force,
            KeepBranch = KeepBranch,
            SkipOwnershipCheck = SkipOwnershipCheck,
        };
        var runs = ParameterSetName == WorkspaceSet
            ? Workspace.Select(w => new RunTarget(w.ExperimentPath, w.Tier, w.Subtest, w.RunNumber, w))
            : SelectedRuns();
        foreach (var run in runs)
        {
            try
            {
                var experiment = _experiments.Open(run.ExperimentPath);
                var action = KeepBranch ? "Remove the worktree (keeping its branch)" : "Remove the worktree and its branch";
                if (!ShouldProcess($"{run.RunId} in {experiment.Path}", action))
                {
                    continue;
                }

                var removed = WorkspaceManager.Remove(experiment, run.Tier, run.Subtest, run.RunNumber, options);
                WriteVerbose($"{run.RunId}: removed {(removed.IsStale ? "the stale registration of " : string.Empty)}{removed.Path} ({removed.Branch}{(KeepBranch ? ", branch kept" : string.Empty)}).");
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, run.ErrorTarget));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException)
            {
                WriteError(ErrorRecords.FromIO("WorkspaceRemoveFailed", e, run.ErrorTarget));
            }
        }
    }

    #endregion
}
