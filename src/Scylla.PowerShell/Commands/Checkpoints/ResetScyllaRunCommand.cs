using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Checkpoints;

/// <summary>
/// <para type="synopsis">
/// Sends runs (or tiers, or the experiment) back to a state in checkpoint.json, so the next re-run resumes there.
/// </para>
/// </summary>
[Cmdlet(VerbsCommon.Reset, "ScyllaRun", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(CheckpointChange))]
public sealed class ResetScyllaRunCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string RunSet = "Run";

    private readonly ExperimentCache _experiments = new();

    #region Parameters

    [Parameter(ParameterSetName = PathSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>Bound from the ExperimentPath of piped runs (Get-ScyllaRun output).</summary>
    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ExperimentPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Tier { get; set; } = [];

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Subtest { get; set; } = [];

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = RunSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] RunNumber { get; set; } = [];

    /// <summary>
    /// Only runs whose completed_runs status (or, for failed and rate_limited, run state) is one of these.
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateSet("passed", "failed", "agent_complete", "rate_limited")]
    public string[] CheckpointStatus { get; set; } = [];

    /// <summary>A run state (checked by the engine, which lists the valid ones); see docs/checkpoints.md.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CheckpointStateCompleter))]
    [ValidateNotNullOrEmpty]
    public string? FromState { get; set; }

    [Parameter]
    [ValidateRange(1, 99)]
    public int[] JudgeSlot { get; set; } = [];

    [Parameter(ParameterSetName = PathSet)]
    [ArgumentCompleter(typeof(CheckpointStateCompleter))]
    [ValidateNotNullOrEmpty]
    public string? FromTierState { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ArgumentCompleter(typeof(CheckpointStateCompleter))]
    [ValidateNotNullOrEmpty]
    public string? FromExperimentState { get; set; }

    /// <summary>Write even while the experiment's own runner seems to own it (see ExperimentBusy).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    #endregion

    #region Overrides

    protected override void BeginProcessing()
    {
        try
        {
            if (FromState == null && FromTierState == null && FromExperimentState == null)
            {
                throw new ScyllaException("ResetStateMissing", ScyllaErrorKind.InvalidArgument,
                    "Name the state to go back to: -FromState (runs), -FromTierState or -FromExperimentState.");
            }

            if (FromState != null)
            {
                RunStates.Validate(FromState);
            }

            if (JudgeSlot.Length > 0 && (FromState == null || !CheckpointReset.IsJudgeStage(FromState)))
            {
                throw new ScyllaException("JudgeSlotNeedsJudgeState", ScyllaErrorKind.InvalidArgument,
                    "-JudgeSlot re-runs judges, so -FromState must be a judge-stage state "
                    + $"({RunStates.AgentComplete} or later).");
            }

            if (FromTierState != null)
            {
                CheckpointReset.ValidateTierState(FromTierState);
            }

            if (FromExperimentState != null)
            {
                CheckpointReset.ValidateExperimentState(FromExperimentState);
            }
        }
        catch (ScyllaException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }

    protected override void ProcessRecord()
    {
        var given = ParameterSetName == RunSet ? ExperimentPath : Path;
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
        var query = new RunQuery
        {
            Tiers = Tier.Select(t => t.ToUpperInvariant()).ToList(),
            Subtests = Subtest,
            RunNumbers = RunNumber,
        };
        ErrorRecords.Guard(this, path, "CheckpointWriteFailed", () =>
        {
            var experiment = _experiments.Open(path);
            var checkpoint = CheckpointStore.TryLoad(experiment.Path)
                ?? throw new ScyllaException("CheckpointNotFound", ScyllaErrorKind.NotFound,
                    $"The experiment '{experiment.Path}' has no {Checkpoint.FileName}: there is nothing to reset "
                    + "(Repair-ScyllaCheckpoint builds one from disk).", experiment.Path);
            LiveRunner.Refuse(experiment.Path, Force);
            if (FromState != null)
            {
                ResetRuns(experiment, checkpoint, query);
            }

            // Runs, then tiers, then the experiment, each planned on the file the previous step wrote (upstream's order).
            if (FromTierState != null)
            {
                checkpoint = CheckpointStore.TryLoad(experiment.Path) ?? checkpoint;
                var tiers = CheckpointReset.PlanTiers(checkpoint, experiment.Path, FromTierState, query);
                Apply(experiment, tiers, (c, change) => c.SetTierState(change.Target, "pending"));
            }

            if (FromExperimentState != null)
            {
                checkpoint = CheckpointStore.TryLoad(experiment.Path) ?? checkpoint;
                if (CheckpointReset.PlanExperiment(checkpoint, experiment.Path, FromExperimentState) is { } state)
                {
                    Apply(experiment, [state], (c, change) => c.SetField("experiment_state", change.NewValue!));
                }
            }
        });
    }

    #endregion

    #region Private

    private void ResetRuns(Experiment experiment, Checkpoint checkpoint, RunQuery query)
    {
        var judgeStage = CheckpointReset.IsJudgeStage(FromState!);
        var judgeCount = experiment.Config.JudgeModels.Count;
        var slots = JudgeSlot.Length > 0 ? JudgeSlot : Enumerable.Range(1, judgeCount).ToArray();
        if (slots.FirstOrDefault(k => k > judgeCount) is > 0 and var badSlot)
        {
            throw new ScyllaException("JudgeSlotOutOfRange", ScyllaErrorKind.InvalidArgument,
                $"Judge slot {badSlot} does not exist: the experiment has {judgeCount} judge(s).", experiment.Path);
        }

        var statuses = ParameterSetName == PathSet ? CheckpointStatus : [];
        var changes = CheckpointReset.PlanRuns(
            checkpoint, experiment.Path, FromState!, query, statuses, includeUnchanged: JudgeSlot.Length > 0);
        if (changes.Count == 0)
        {
            WriteVerbose($"No run in '{experiment.Path}' matches a reset from {FromState}.");
        }

        foreach (var change in changes)
        {
            var (tier, subtest, run) = (change.Tier!, change.Subtest!, change.RunNumber!.Value);
            ErrorRecords.Guard(this, change, "CheckpointWriteFailed", () =>
            {
                if (judgeStage)
                {
                    CheckpointReset.EnsureAgentResultUsable(experiment, tier, subtest, run);
                }

                var archiveNote = judgeStage
                    ? $"; archive judge slot(s) {string.Join(", ", slots)} and run_result.json under .failed/"
                    : "; archive the run folder under .failed/";
                if (!ShouldProcess($"{change.Target} in {experiment.Path}", $"Reset {change.Key}{archiveNote}"))
                {
                    WriteObject(change);
                    return;
                }

                using var lease = RunLease.Acquire(new RunReference(experiment.Path, tier, subtest, run));

                // The folder goes before the checkpoint changes, so disk and checkpoint agree that the run is due
                // (docs/checkpoints.md, "Reset").
                IReadOnlyList<string> archived = judgeStage
                    ? JudgeResultArchive.Archive(experiment.LocateRun(tier, subtest, run).Path, slots)
                    : RunArchive.ArchiveRun(experiment, tier, subtest, run) is { } folder
                        ? [folder] : [];
                change.ArchivedPaths = archived.Count > 0 ? string.Join(';', archived) : null;

                CheckpointStore.Update(experiment.Path, experiment.Config,
                    c => CheckpointReset.ApplyRun(c, tier, subtest, run, judgeStage));
                change.Applied = true;
                WriteObject(change);
            });
        }
    }

    private void Apply(Experiment experiment, IReadOnlyList<CheckpointChange> changes, Action<Checkpoint, CheckpointChange> apply)
    {
        var approved = changes
            .Where(change => ShouldProcess($"{change.Target} in {experiment.Path}", $"Reset {change.Key}"))
            .ToList();
        if (approved.Count > 0)
        {
            CheckpointStore.Update(experiment.Path, experiment.Config,
                c => approved.ForEach(change => apply(c, change)));
            approved.ForEach(change => change.Applied = true);
        }

        WriteObject(changes, enumerateCollection: true);
    }

    #endregion
}
