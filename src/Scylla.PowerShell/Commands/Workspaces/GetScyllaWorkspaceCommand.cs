using System.Management.Automation;
using Scylla.Core.Experiments;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Lists the worktrees of an experiment's base repository that belong to its runs.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaWorkspace", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScyllaWorkspace))]
public sealed class GetScyllaWorkspaceCommand : ExperimentPathCommand
{
    #region Parameters

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var options = new WorkspaceOptions { RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath), SkipOwnershipCheck = SkipOwnershipCheck };
        foreach (var (path, _) in NewExperimentPaths())
        {
            ErrorRecords.Guard(this, path, "WorkspaceListFailed", () => WriteObject(WorkspaceManager.List(Experiment.Open(path), options), enumerateCollection: true));
        }
    }

    #endregion
}
