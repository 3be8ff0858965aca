using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Sends runs, tiers or the experiment back to a named state so the next re-run resumes there (docs/checkpoints.md).
/// Follows upstream's reset functions, except that a judge-stage state keeps the agent's result (upstream sets every
/// run to pending) and a failed or rate-limited run is reset without a status filter.
/// </summary>
public static class CheckpointReset
{
    public static readonly IReadOnlyList<string> TierStateSequence =
    [
        "pending", "config_loaded", "subtests_running", "subtests_complete", "best_selected", "reports_generated",
        "complete",
    ];

    public static readonly IReadOnlyList<string> ExperimentStateSequence =
    [
        "initializing", "dir_created", "repo_cloned", "tiers_running", "tiers_complete", "reports_generated",
        "complete",
    ];

    /// <summary>
    /// Whether a reset to <paramref name="fromState"/> keeps the agent's result and re-runs only the judges.
    /// </summary>
    public static bool IsJudgeStage(string fromState) =>
        RunStates.IndexOf(fromState) >= RunStates.IndexOf(RunStates.AgentComplete);

    /// <summary>
    /// The runs of <paramref name="checkpoint"/> a reset to <paramref name="fromState"/> changes, in file order: runs
    /// at or past that state, and failed or rate-limited ones (and, with a status filter, runs in states this version
    /// does not know). <paramref name="includeUnchanged"/> keeps runs already in the target state (a judge-slot reset
    /// still archives their slots).
    /// </summary>
    public static IReadOnlyList<CheckpointChange> PlanRuns(
        Checkpoint checkpoint,
        string experimentPath,
        string fromState,
        RunQuery query,
        IReadOnlyCollection<string>? statuses,
        bool includeUnchanged = false)
    {
        RunStates.Validate(fromState);
        var fromIndex = RunStates.IndexOf(fromState);
        var judgeStage = IsJudgeStage(fromState);
        var changes = new List<CheckpointChange>();
        var selected = checkpoint.RunKeys.Where(k =>
            query.IncludesTier(k.Tier) && query.IncludesSubtest(k.Subtest) && query.IncludesRun(k.RunNumber));
        foreach (var (tier, subtest, run) in selected)
        {
            var state = checkpoint.GetRunState(tier, subtest, run);
            var status = checkpoint.GetRunStatus(tier, subtest, run);
            if (statuses is { Count: > 0 } && !statuses.Any(s => s == status || s == state))
            {
                continue;
            }

            var index = EffectiveIndex(state, status);
            var terminal = state != null && RunStates.Terminal.Contains(state);
            if (!(index >= fromIndex || terminal || (index == -1 && statuses is { Count: > 0 })))
            {
                continue;
            }

            var (newState, newStatus) = judgeStage
                ? (RunStates.AgentComplete, "agent_complete")
                : (RunStates.Pending, (string?)null);
            if (newState == state && newStatus == status && !includeUnchanged)
            {
                continue; // already there
            }

            changes.Add(new CheckpointChange
            {
                ExperimentPath = experimentPath,
                Target = Experiment.RunId(tier, subtest, run),
                Tier = tier,
                Subtest = subtest,
                RunNumber = run,
                Field = "run",
                OldValue = RunValue(state, status),
                NewValue = RunValue(newState, newStatus),
                Direction = CheckpointChangeDirection.Backward,
                Reason = judgeStage
                    ? $"reset from {fromState}: the judges run again, the agent's result is kept"
                    : $"reset from {fromState}: the agent runs again",
            });
        }

        return changes;
    }

    /// <summary>
    /// Checks that a judge-stage reset of a run can keep its agent result: the folder exists and holds a valid agent
    /// result that is not a rate-limit message. Throws naming the run otherwise.
    /// </summary>
    public static void EnsureAgentResultUsable(Experiment experiment, string tier, string subtest, int runNumber)
    {
        var (onDisk, _, reason) = RunEvidence.Read(experiment, tier, subtest, runNumber);
        if (onDisk is RunOnDisk.Gone or RunOnDisk.AgentNotDone)
        {
            throw new ScyllaException("AgentResultUnusable", ScyllaErrorKind.InvalidOperation,
                $"{Experiment.RunId(tier, subtest, runNumber)} cannot be re-judged: {reason}. "
                + "Reset it from an agent state (for example pending) to run the agent again.",
                experiment.LocateRun(tier, subtest, runNumber).Path);
        }
    }

    /// <summary>
    /// Applies one planned run change: the run's new state and status, its subtest and tier reopened.
    /// </summary>
    public static void ApplyRun(Checkpoint checkpoint, string tier, string subtest, int runNumber, bool judgeStage)
    {
        if (judgeStage)
        {
            checkpoint.SetRunEntry(tier, subtest, runNumber, RunStates.AgentComplete, "agent_complete");
        }
        else
        {
            checkpoint.SetRunEntry(tier, subtest, runNumber, RunStates.Pending, null);
        }

        checkpoint.ReopenSubtest(tier, subtest);
    }

    /// <summary>
    /// Upstream's tier reset: tiers at or past <paramref name="fromState"/> go to pending (unknown states never do).
    /// </summary>
    public static IReadOnlyList<CheckpointChange> PlanTiers(
        Checkpoint checkpoint, string experimentPath, string fromState, RunQuery query)
    {
        var fromIndex = ValidateTierState(fromState);
        return checkpoint.TierStates
            .Where(t => query.IncludesTier(t.Tier) && t.State != "pending"
                && TierStateSequence.ToList().IndexOf(t.State) >= fromIndex)
            .Select(t => new CheckpointChange
            {
                ExperimentPath = experimentPath,
                Target = t.Tier,
                Field = "tier_state",
                OldValue = t.State,
                NewValue = "pending",
                Direction = CheckpointChangeDirection.Backward,
                Reason = $"tier reset from {fromState}",
            })
            .ToList();
    }

    /// <summary>
    /// Upstream's experiment reset: a state at or past <paramref name="fromState"/> becomes that state.
    /// </summary>
    public static CheckpointChange? PlanExperiment(Checkpoint checkpoint, string experimentPath, string fromState)
    {
        var fromIndex = ValidateExperimentState(fromState);
        var current = checkpoint.ExperimentState;
        return ExperimentStateSequence.ToList().IndexOf(current) >= fromIndex && current != fromState
            ? new CheckpointChange
            {
                ExperimentPath = experimentPath,
                Target = "experiment",
                Field = "experiment_state",
                OldValue = current,
                NewValue = fromState,
                Direction = CheckpointChangeDirection.Backward,
                Reason = $"experiment reset from {fromState}",
            }
            : null;
    }

    /// <summary>
    /// The position of a tier state named by a user; an unknown name is refused listing the valid ones.
    /// </summary>
    public static int ValidateTierState(string state) =>
        ValidateState(state, TierStateSequence, "UnknownTierState", "tier state");

    /// <summary>
    /// The position of an experiment state named by a user; an unknown name is refused listing the valid ones.
    /// </summary>
    public static int ValidateExperimentState(string state) =>
        ValidateState(state, ExperimentStateSequence, "UnknownExperimentState", "experiment state");

    /// <summary>A run's state and status as one value, like <c>report_written/passed</c>.</summary>
    public static string RunValue(string? state, string? status) => $"{state ?? "(none)"}/{status ?? "(none)"}";

    /// <summary>
    /// The sequence position of a run; a run with only a <c>completed_runs</c> entry is placed by its status.
    /// </summary>
    private static int EffectiveIndex(string? state, string? status) =>
        state != null ? RunStates.IndexOf(state)
        : status == "agent_complete" ? RunStates.IndexOf(RunStates.AgentComplete)
        : status is "passed" or "failed" ? RunStates.IndexOf(RunStates.ReportWritten)
        : -1;

    private static int ValidateState(string state, IReadOnlyList<string> sequence, string errorId, string what)
    {
        var index = sequence.ToList().IndexOf(state);
        return index >= 0 ? index
            : throw new ScyllaException(errorId, ScyllaErrorKind.InvalidArgument,
                $"'{state}' is not a {what}. Valid {what}s, in order: {string.Join(", ", sequence)}.");
    }
}
