using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Brings a checkpoint in line with the run folders on disk (docs/checkpoints.md): finished runs recorded, stale
/// entries and impossible state/status pairs corrected, <c>experiment_dir</c> set to where the experiment is now, and a
/// zombie's <c>running</c> status set to <c>interrupted</c>. Only a valid, judged run counts as done.
/// </summary>
public static class CheckpointRepair
{
    /// <summary>Every correction <paramref name="checkpoint"/> needs (null: there is none; it would be built from disk).</summary>
    public static IReadOnlyList<CheckpointChange> Plan(Experiment experiment, Checkpoint? checkpoint, bool upgradeFormat, Func<int, bool> isAlive, DateTimeOffset now) =>
        Steps(experiment, checkpoint, upgradeFormat, isAlive, now).Select(s => s.Change).ToList();

    /// <summary>
    /// Plans again on <paramref name="checkpoint"/> (the file as it is under the lock) and applies the corrections
    /// <paramref name="approved"/> accepts; returns those applied.
    /// </summary>
    public static IReadOnlyList<CheckpointChange> Apply(
        Experiment experiment, Checkpoint checkpoint, bool isNew, bool upgradeFormat, Func<CheckpointChange, bool> approved, Func<int, bool> isAlive, DateTimeOffset now)
    {
        var applied = new List<CheckpointChange>();
        foreach (var (change, apply) in Steps(experiment, isNew ? null : checkpoint, upgradeFormat, isAlive, now).Where(s => approved(s.Change)))
        {
            apply(checkpoint);
            change.Applied = true;
            applied.Add(change);
        }

        return applied;
    }

    private static IEnumerable<(CheckpointChange Change, Action<Checkpoint> Apply)> Steps(
        Experiment experiment, Checkpoint? existing, bool upgradeFormat, Func<int, bool> isAlive, DateTimeOffset now)
    {
        var path = experiment.Path;
        CheckpointChange Change(string target, string field, string? oldValue, string? newValue, CheckpointChangeDirection direction, string reason) =>
            new() { ExperimentPath = path, Target = target, Field = field, OldValue = oldValue, NewValue = newValue, Direction = direction, Reason = reason };

        var checkpoint = existing ?? Checkpoint.CreateNew(experiment.Config, path);
        if (existing == null)
        {
            yield return (Change("experiment", "file", null, checkpoint.WriteVersion, CheckpointChangeDirection.Same,
                $"there is no {Checkpoint.FileName}: it is built from the run folders"), _ => { });
        }

        if (upgradeFormat && checkpoint.WriteVersion != "3.1")
        {
            yield return (Change("experiment", "version", checkpoint.WriteVersion, "3.1", CheckpointChangeDirection.Same, "-UpgradeFormat"), c => c.UpgradeFormat());
        }

        if (existing != null && checkpoint.ExperimentDirectory != path)
        {
            yield return (Change("experiment", "experiment_dir", checkpoint.ExperimentDirectory, path, CheckpointChangeDirection.Same,
                "the experiment is not where the checkpoint says (moved or copied)"), c => c.SetField("experiment_dir", path));
        }

        if (existing != null && CheckpointHealth.Check(checkpoint, path, now, isAlive) is { IsZombie: true } zombie)
        {
            var age = zombie.HeartbeatAge is { } a ? $"{a.TotalSeconds:0} s old" : "missing";
            yield return (Change("experiment", "status", "running", "interrupted", CheckpointChangeDirection.Same,
                $"zombie: runner pid {zombie.RunnerPid?.ToString() ?? "unknown"} is not alive and the heartbeat is {age}"), c => c.SetField("status", "interrupted"));
        }

        var runs = checkpoint.RunKeys.ToList();
        var onDisk = RunScanner.EnumerateAddresses(experiment, RunQuery.All, _ => { }).Select(a => (a.Tier, a.Subtest, a.RunNumber));
        foreach (var (tier, subtest, run) in runs.Concat(onDisk.Except(runs)))
        {
            if (RunStep(experiment, checkpoint, tier, subtest, run) is { } step)
            {
                var change = new CheckpointChange
                {
                    ExperimentPath = path,
                    Target = Experiment.RunId(tier, subtest, run),
                    Tier = tier,
                    Subtest = subtest,
                    RunNumber = run,
                    Field = "run",
                    OldValue = CheckpointReset.RunValue(step.OldState, step.OldStatus),
                    NewValue = CheckpointReset.RunValue(step.State, step.Status),
                    Direction = step.Direction,
                    Reason = step.Reason,
                };
                yield return (change, c =>
                {
                    c.SetRunEntry(tier, subtest, run, step.State, step.Status);
                    if (step.Direction == CheckpointChangeDirection.Backward)
                    {
                        c.ReopenSubtest(tier, subtest);
                    }
                });
            }
        }
    }

    private sealed record RunFix(string? OldState, string? OldStatus, string? State, string? Status, CheckpointChangeDirection Direction, string Reason);

    /// <summary>The entry a run should have for what its folder proves, or null when its entry already fits.</summary>
    private static RunFix? RunStep(Experiment experiment, Checkpoint checkpoint, string tier, string subtest, int run)
    {
        var state = checkpoint.GetRunState(tier, subtest, run);
        var status = checkpoint.GetRunStatus(tier, subtest, run);
        if (!Tiers.TierId.IsValid(tier) || !Tiers.TierId.IsValidSubtestId(subtest))
        {
            return null;
        }

        var (disk, passed, reason) = RunEvidence.Read(experiment, tier, subtest, run);
        var current = ClassOf(state, status);
        (string? State, string? Status) wanted = disk switch
        {
            RunOnDisk.Gone => (null, null),
            // an explicit pending is a reset waiting for its re-run, not a stale entry
            RunOnDisk.AgentDone or RunOnDisk.Judged when state == RunStates.Pending => (RunStates.Pending, null),
            RunOnDisk.AgentNotDone when state == null && status == null => (null, null),
            RunOnDisk.AgentNotDone => (state != null && RunStates.ResumePoint(state) == RunResumePoint.Agent ? state : RunStates.Pending,
                state == RunStates.Failed && status == "failed" ? "failed" : null),
            RunOnDisk.AgentDone => (RunStates.ResumePoint(state) == RunResumePoint.Judges ? state : RunStates.AgentComplete, "agent_complete"),
            _ => (RunStates.ResumePoint(state) == RunResumePoint.Done && RunStates.IndexOf(state) >= RunStates.IndexOf(RunStates.ReportWritten) ? state : RunStates.ReportWritten,
                passed ? "passed" : "failed"),
        };
        if (wanted.State == state && wanted.Status == status)
        {
            return null;
        }

        var target = ClassOf(wanted.State, wanted.Status);
        var direction = target > current ? CheckpointChangeDirection.Forward : target < current ? CheckpointChangeDirection.Backward : CheckpointChangeDirection.Same;
        return new RunFix(state, status, wanted.State, wanted.Status, direction, reason);
    }

    /// <summary>Where a run resumes by its entry; an entry without a state is placed by its status.</summary>
    private static RunResumePoint ClassOf(string? state, string? status) =>
        state != null ? RunStates.ResumePoint(state)
        : status == "agent_complete" ? RunResumePoint.Judges
        : status is "passed" or "failed" ? RunResumePoint.Done
        : RunResumePoint.Agent;
}
