using System.Management.Automation;
using Scylla.Core.Planning;
using Scylla.Core.Runs;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Planning;

/// <summary>
/// <para type="synopsis">What Invoke-ScyllaRerun would do with the same runs, as objects: per tier and action the
/// runs, agent and judge calls, and an estimated cost and duration.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaRerunPlan", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RerunPlan))]
public sealed class GetScyllaRerunPlanCommand : PSCmdlet
{
    private const string RunSet = "Run";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private RerunSelections? _selections;

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ExperimentPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Tier { get; set; }

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Subtest { get; set; }

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[]? RunNumber { get; set; }

    /// <summary>With -Path: the statuses to plan for (default: every status but Completed; with -JudgeOnly, every one).
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public RunStatus[]? Status { get; set; }

    /// <summary>The tier configuration; bound from the TierConfigPath a run was listed with.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? TierConfigPath { get; set; }

    /// <summary>Plan as Invoke-ScyllaRerun -JudgeOnly would: only the Missing and Failed judge slots.</summary>
    [Parameter]
    public SwitchParameter JudgeOnly { get; set; }

    protected override void ProcessRecord()
    {
        _selections ??= new RerunSelections(this);
        var tierConfig = WorkspaceParameters.Resolve(this, TierConfigPath);
        if (ParameterSetName == RunSet)
        {
            _selections.AddAddresses(ExperimentPath, tierConfig, Tier!, Subtest!, RunNumber!);
            return;
        }

        var literal = ParameterSetName == LiteralPathSet;
        var statuses = Status ?? RerunSelections.DefaultStatuses(JudgeOnly);
        _selections.AddQuery(literal ? LiteralPath : Path, literal, tierConfig,
            new RunQuery { Tiers = Tier, Subtests = Subtest, RunNumbers = RunNumber, Statuses = statuses });
    }

    protected override void EndProcessing()
    {
        foreach (var (_, plan) in _selections?.Plan(JudgeOnly) ?? [])
        {
            WriteObject(plan);
        }
    }
}
