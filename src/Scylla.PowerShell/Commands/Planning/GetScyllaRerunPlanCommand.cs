using System.Management.Automation;
using Scylla.Core.Planning;
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
    protected override void EndProcessing()
    {
        foreach (var (_, plan) in PlanSelectedRuns())
        {
            WriteObject(plan);
        }
    }
}
