using System.Management.Automation;
using Scylla.Core.Execution;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Creates a run's workspace: a git worktree at the experiment's commit, configured for its tier and subtest.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ScyllaWorkspace", SupportsShouldProcess = true, DefaultParameterSetName = RunSet)]
[OutputType(typeof(ScyllaWorkspace))]
public sealed class NewScyllaWorkspaceCommand : WorkspaceCommand
{
    private readonly ExperimentCache _experiments = new();

    #region Parameters

    /// <summary>The tier configuration; bound from the TierConfigPath a run was listed with (none when it had none).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? TierConfigPath { get; set; }

    /// <summary>A JSON file replacing the default wording of the instructions written to CLAUDE.md.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InstructionTemplatePath { get; set; }

    /// <summary>Replace a workspace folder that already holds files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var options = BaseOptions() with { InstructionTemplatePath = WorkspaceParameters.Resolve(this, InstructionTemplatePath), Force = Force };
        foreach (var run in SelectedRuns())
        {
            ErrorRecords.Guard(this, run.ErrorTarget, "WorkspaceCreateFailed", () =>
            {
                var experiment = _experiments.Open(run.ExperimentPath, WorkspaceParameters.Resolve(this, TierConfigPath));
                Core.Experiments.Experiment.ValidateIds(run.Tier, run.Subtest);
                var (tier, subtest) = Core.Runs.RunQuery.ResolveRun(experiment, run.Tier, run.Subtest, run.RunNumber);
                var runId = Core.Experiments.Experiment.RunId(tier, subtest, run.RunNumber);
                if (ShouldProcess($"{runId} in {experiment.Path}", "Create a git worktree configured for the run"))
                {
                    using var lease = RunLease.Acquire(new RunReference(experiment.Path, tier, subtest, run.RunNumber));
                    var workspace = WorkspaceManager.Create(experiment, tier, subtest, run.RunNumber, options);
                    WriteVerbose($"{runId}: worktree {workspace.Path} on branch {workspace.Branch} at {workspace.Commit}.");
                    WriteObject(workspace);
                }
            });
        }
    }

    #endregion
}
