using System.Management.Automation;
using Scylla.PowerShell.Completion;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>A run a cmdlet acts on, and what to name in errors about it.</summary>
internal readonly record struct RunTarget(string ExperimentPath, string Tier, string Subtest, int RunNumber, object ErrorTarget)
{
    public string RunId => Core.Experiments.Experiment.RunId(Tier, Subtest, RunNumber);
}

/// <summary>
/// The two ways a cmdlet is told which runs to act on: any object with ExperimentPath, Tier, Subtest and RunNumber from
/// the pipeline (a ScyllaRun, a CSV row, a deserialized job result), or <c>-Path -Tier -Subtest -RunNumber</c>. Only the
/// address is taken: the engine reads the run itself from disk.
/// </summary>
public abstract class RunSelectionCommand : PSCmdlet
{
    protected const string RunSet = "Run";
    protected const string PathSet = "Path";

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ExperimentPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string Tier { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string Subtest { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] RunNumber { get; set; } = [];

    /// <summary>The runs named by this pipeline input, in order.</summary>
    internal IEnumerable<RunTarget> SelectedRuns()
    {
        if (ParameterSetName is not (RunSet or PathSet))
        {
            return [];
        }

        var experimentPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ParameterSetName == RunSet ? ExperimentPath : Path);
        var tier = Tier.ToUpperInvariant();
        return RunNumber.Select(n => new RunTarget(experimentPath, tier, Subtest, n, Core.Experiments.Experiment.RunId(tier, Subtest, n)));
    }
}
