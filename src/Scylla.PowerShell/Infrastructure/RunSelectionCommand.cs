using System.Management.Automation;
using Scylla.Core.Runs;
using Scylla.PowerShell.Completion;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>A run a cmdlet acts on, and what to name in errors about it.</summary>
internal readonly record struct RunTarget(string ExperimentPath, string Tier, string Subtest, int RunNumber, object ErrorTarget)
{
    public string RunId => Core.Experiments.Experiment.RunId(Tier, Subtest, RunNumber);
}

/// <summary>
/// The two ways a cmdlet is told which runs to act on: <c>ScyllaRun</c> objects from the pipeline, or
/// <c>-Path -Tier -Subtest -RunNumber</c>.
/// </summary>
public abstract class RunSelectionCommand : PSCmdlet
{
    protected const string InputObjectSet = "InputObject";
    protected const string PathSet = "Path";

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ScyllaRun[] InputObject { get; set; } = [];

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string Tier { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string Subtest { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] RunNumber { get; set; } = [];

    /// <summary>The runs named by this pipeline input, in order.</summary>
    internal IEnumerable<RunTarget> SelectedRuns()
    {
        if (ParameterSetName == PathSet)
        {
            var experimentPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            return RunNumber.Select(n => new RunTarget(experimentPath, Tier.ToUpperInvariant(), Subtest, n, experimentPath));
        }

        return ParameterSetName == InputObjectSet
            ? InputObject.Select(r => new RunTarget(r.ExperimentPath, r.Tier, r.Subtest, r.RunNumber, r))
            : [];
    }
}
