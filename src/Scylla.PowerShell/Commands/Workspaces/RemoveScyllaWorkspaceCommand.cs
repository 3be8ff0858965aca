using System.Management.Automation;
using Scylla.Core.Execution;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Removes a run's worktree and its branch; refuses one with changes or a lock unless -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ScyllaWorkspace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = RunSet)]
[OutputType(typeof(void))]
public sealed class RemoveScyllaWorkspaceCommand : WorkspaceCommand
{
    private const string WorkspaceSet = "Workspace";

    private readonly ExperimentCache _experiments = new();

    #region Parameters

    [Parameter(ParameterSetName = WorkspaceSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ScyllaWorkspace[] Workspace { get; set; } = [];

    /// <summary>Remove a worktree that has uncommitted or untracked changes, or is locked.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter KeepBranch { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var options = BaseOptions() with { Force = Force, KeepBranch = KeepBranch };
        var runs = ParameterSetName == WorkspaceSet
            ? Workspace.Select(w => new RunTarget(w.ExperimentPath, w.Tier, w.Subtest, w.RunNumber, w))
            : SelectedRuns();
        foreach (var run in runs)
        {
            ErrorRecords.Guard(this, run.ErrorTarget, "WorkspaceRemoveFailed", () =>
            {
                var experiment = _experiments.Open(run.ExperimentPath);
                var action = KeepBranch ? "Remove the worktree (keeping its branch)" : "Remove the worktree and its branch";
                if (ShouldProcess($"{run.RunId} in {experiment.Path}", action))
                {
                    using var lease = RunLease.Acquire(
                        new RunReference(experiment.Path, run.Tier, run.Subtest, run.RunNumber));
                    var removed = WorkspaceManager.Remove(experiment, run.Tier, run.Subtest, run.RunNumber, options);
                    WriteVerbose($"{run.RunId}: removed {(removed.IsStale ? "the stale registration of " : string.Empty)}{removed.Path} ({removed.Branch}{(KeepBranch ? ", branch kept" : string.Empty)}).");
                }
            });
        }
    }

    #endregion
}
