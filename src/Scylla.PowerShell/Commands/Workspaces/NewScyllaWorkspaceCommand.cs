using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Creates a run's workspace: a git worktree at the experiment's commit, configured for its tier and subtest.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ScyllaWorkspace", SupportsShouldProcess = true, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(ScyllaWorkspace))]
public sealed class NewScyllaWorkspaceCommand : RunSelectionCommand
{
    private readonly ExperimentCache _experiments = new();

    #region Parameters

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TierConfigPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    /// <summary>A JSON file replacing the default wording of the instructions written to CLAUDE.md.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InstructionTemplatePath { get; set; }

    /// <summary>Replace a workspace folder that already holds files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Open a base repository owned by another user.</summary>
    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var options = new WorkspaceOptions
        {
            RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath),
            InstructionTemplatePath = WorkspaceParameters.Resolve(this, InstructionTemplatePath),
            Force = Force,
            SkipOwnershipCheck = SkipOwnershipCheck,
        };
        foreach (var run in SelectedRuns())
        {
            try
            {
                var experiment = _experiments.Open(run.ExperimentPath, WorkspaceParameters.Resolve(this, TierConfigPath));
                if (!ShouldProcess($"{run.RunId} in {experiment.Path}", "Create a git worktree configured for the run"))
                {
                    continue;
                }

                var workspace = WorkspaceManager.Create(experiment, run.Tier, run.Subtest, run.RunNumber, options);
                WriteVerbose($"{run.RunId}: worktree {workspace.Path} on branch {workspace.Branch} at {workspace.Commit}.");
                WriteObject(workspace);
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, run.ErrorTarget));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException)
            {
                WriteError(ErrorRecords.FromIO("WorkspaceCreateFailed", e, run.ErrorTarget));
            }
        }
    }

    #endregion
}
