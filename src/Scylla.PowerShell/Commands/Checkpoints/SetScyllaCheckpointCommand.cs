using System.Management.Automation;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Checkpoints;

/// <summary>
/// <para type="synopsis">Records a run's status in its experiment's checkpoint.json, or clears it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "ScyllaCheckpoint", SupportsShouldProcess = true, DefaultParameterSetName = RunStatusSet)]
[OutputType(typeof(ScyllaRun))]
public sealed class SetScyllaCheckpointCommand : PSCmdlet
{
    private const string RunStatusSet = "RunStatus";
    private const string RunClearSet = "RunClear";
    private const string PathStatusSet = "PathStatus";
    private const string PathClearSet = "PathClear";

    private readonly ExperimentCache _experiments = new();

    #region Parameters

    /// <summary>The run's experiment folder; with Tier, Subtest and RunNumber, bound from any object that has them.</summary>
    [Parameter(ParameterSetName = RunStatusSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RunClearSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ExperimentPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathStatusSet, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = PathClearSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunStatusSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RunClearSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathStatusSet, Mandatory = true)]
    [Parameter(ParameterSetName = PathClearSet, Mandatory = true)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string Tier { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunStatusSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RunClearSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathStatusSet, Mandatory = true)]
    [Parameter(ParameterSetName = PathClearSet, Mandatory = true)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string Subtest { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunStatusSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RunClearSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathStatusSet, Mandatory = true)]
    [Parameter(ParameterSetName = PathClearSet, Mandatory = true)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] RunNumber { get; set; } = [];

    /// <summary>The only values upstream accepts in completed_runs; anything else (e.g. 'completed') fails binding, before any write.</summary>
    [Parameter(ParameterSetName = RunStatusSet, Mandatory = true)]
    [Parameter(ParameterSetName = PathStatusSet, Mandatory = true)]
    [ValidateSet("passed", "failed", "agent_complete")]
    public string Status { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunClearSet, Mandatory = true)]
    [Parameter(ParameterSetName = PathClearSet, Mandatory = true)]
    public SwitchParameter Clear { get; set; }

    /// <summary>Write even while the experiment's own runner seems to own it (see ExperimentBusy).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var experimentPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ParameterSetName is RunStatusSet or RunClearSet ? ExperimentPath : Path);
        foreach (var runNumber in RunNumber)
        {
            Update(experimentPath, Tier.ToUpperInvariant(), Subtest, runNumber, experimentPath);
        }
    }

    #endregion

    #region Private

    private void Update(string experimentPath, string tier, string subtest, int runNumber, object target)
    {
        var runId = Experiment.RunId(tier, subtest, runNumber);
        var action = Clear ? "Clear the checkpoint entry (run state back to 'pending')" : $"Set the checkpoint status to '{Status}'";
        ErrorRecords.Guard(this, target, "CheckpointWriteFailed", () =>
        {
            var experiment = _experiments.Open(experimentPath);
            Experiment.ValidateIds(tier, subtest);
            (tier, subtest) = RunQuery.ResolveRun(experiment, tier, subtest, runNumber);
            runId = Experiment.RunId(tier, subtest, runNumber);
            var status = Clear ? (CompletedRunStatus?)null : CompletedRunStatuses.Parse(Status);
            if (!ShouldProcess($"{runId} in {experiment.Path}", action))
            {
                return;
            }

            LiveRunner.Refuse(experiment.Path, Force);
            using var lease = RunLease.Acquire(new RunReference(experiment.Path, tier, subtest, runNumber));
            CheckpointStore.Update(experiment.Path, experiment.Config, checkpoint =>
            {
                if (status is { } value)
                {
                    checkpoint.MarkRunCompleted(tier, subtest, runNumber, value);
                }
                else
                {
                    checkpoint.ClearRun(tier, subtest, runNumber);
                }
            });
            WriteVerbose($"{runId}: {action.ToLowerInvariant()} in {CheckpointStore.PathFor(experiment.Path)}.");
            if (PassThru)
            {
                WriteObject(RunScanner.ReadRun(experiment, tier, subtest, runNumber, issue => WriteWarning(issue.Message)));
            }
        });
    }

    #endregion
}
