using System.Management.Automation;
using Scylla.Core.Planning;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Planning;

/// <summary>
/// <para type="synopsis">What Invoke-ScyllaRerun would do with the same runs, as objects: per tier and action the
/// runs, agent and judge calls, and an estimated cost and duration.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaRerunPlan", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RerunPlan))]
public sealed class GetScyllaRerunPlanCommand : RerunSelectionCommand
{
    /// <summary>The base repository Invoke-ScyllaRerun -RepositoryPath would use.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    private protected override WorkspaceOptions RepositoryOptions => new()
    {
        RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath),
        SkipOwnershipCheck = SkipOwnershipCheck,
    };

    protected override void EndProcessing()
    {
        foreach (var (_, plan) in PlanSelectedRuns())
        {
            WriteObject(plan);
        }
    }
}
