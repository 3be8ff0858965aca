using System.Management.Automation;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Completion;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// The runs a re-run cmdlet (Invoke-ScyllaRerun, Submit-ScyllaRerun, Get-ScyllaRerunPlan) acts on: addresses from the
/// pipeline (ExperimentPath, Tier, Subtest, RunNumber), or experiments by -Path/-LiteralPath filtered by tier,
/// subtest, run number and status. Only addresses are taken: the engine plans from the runs it reads on disk.
/// </summary>
public abstract class RerunSelectionCommand : PSCmdlet
{
    protected const string RunSet = "Run";
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    private RerunSelections? _selections;

    /// <summary>The run's experiment folder; with Tier, Subtest and RunNumber, bound from any object that has them.
    /// </summary>
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

    /// <summary>With -Path: the statuses to select (default: every status but Completed; with -JudgeOnly, every one).
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public RunStatus[]? Status { get; set; }

    /// <summary>The tier configuration; bound from the TierConfigPath a run was listed with (none when it had none).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? TierConfigPath { get; set; }

    /// <summary>Re-run only the Missing and Failed judge slots of runs whose agent result is valid.</summary>
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

    /// <summary>
    /// The base repository the re-run would use; the plan reads it when a run's judges would need the agent's commit
    /// on its branch (docs/planning.md, "The agent's work").
    /// </summary>
    private protected abstract WorkspaceOptions RepositoryOptions { get; }

    /// <summary>The engine's plan for every experiment selected so far, as it reads the runs now.</summary>
    private protected List<(Experiment Experiment, RerunPlan Plan)> PlanSelectedRuns() =>
        _selections?.Plan(JudgeOnly, RepositoryOptions) ?? [];
}
