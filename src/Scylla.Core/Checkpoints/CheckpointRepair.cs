using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Brings a checkpoint in line with the run folders on disk (docs/checkpoints.md): finished runs recorded, stale
/// entries and impossible state/status pairs corrected, <c>experiment_dir</c> set to where the experiment is now, and a
/// zombie's <c>running</c> status set to <c>interrupted</c>. Only a valid, judged run counts as done.
/// </summary>
public static class CheckpointRepair
{
    /// <summary>
    /// Every correction <paramref name="checkpoint"/> needs (null: there is none; it would be built from disk).
    /// </summary>
    public static IReadOnlyList<CheckpointChange> Plan(
        Experiment experiment, Checkpoint? checkpoint, bool upgradeFormat, Func<int, bool> isAlive, DateTimeOffset now) =>
        Steps(experiment, checkpoint, upgradeFormat, isAlive, now).Select(s => s.Change).ToList();

    /// <summary>
    /// Plans again on <paramref name="checkpoint"/> (the file as it is under the lock; <paramref name="isNew"/> when
    /// there was none) and applies the corrections <paramref name="approved"/> accepts; returns those applied.
    /// </summary>
    public static IReadOnlyList<CheckpointChange> Apply(
        Experiment experiment,
        Checkpoint checkpoint,
        bool isNew,
        bool upgradeFormat,
        Func<CheckpointChange, bool> approved,
        Func<int, bool> isAlive,
        DateTimeOffset now)
    {
        var applied = new List<CheckpointChange>();
        var steps = Steps(experiment, isNew ? null : checkpoint, upgradeFormat, isAlive, now);
        foreach (var (change, apply) in steps.Where(s => approved(s.Change)))
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
        CheckpointChange Change(string field, string? oldValue, string? newValue, string reason) => new()
        {
            ExperimentPath = path,
            Target = "experiment",
            Field = field,
            OldValue = oldValue,
            NewValue = newValue,
            Direction = CheckpointChangeDirection.Same,
            Reason = reason,
        };

        var checkpoint = existing ?? Checkpoint.CreateNew(experiment.Config, path);
        if (existing == null)
        {
            var reason = $"there is no {Checkpoint.FileName}: it is built from the run folders";
            yield return (Change("file", null, checkpoint.WriteVersion, reason), _ => { });
        }

        if (upgradeFormat && checkpoint.WriteVersion != "3.1")
        {
            yield return (Change("version", checkpoint.WriteVersion, "3.1", "-UpgradeFormat"), c => c.UpgradeFormat());
        }

        if (existing != null && checkpoint.ExperimentDirectory != path)
        {
            var reason = "the experiment is not where the checkpoint says (moved or copied)";
            yield return (Change("experiment_dir", checkpoint.ExperimentDirectory, path, reason), c => c.SetField("experiment_dir", path));
        }

        if (existing != null && CheckpointHealth.Check(checkpoint, path, now, isAlive) is { IsZombie: true } zombie)
        {
            var age = zombie.HeartbeatAge is { } a ? $"{a.TotalSeconds:0} s old" : "missing";
            var reason = $"zombie: runner pid {zombie.RunnerPid?.ToString() ?? "unknown"} is not alive and the heartbeat is {age}";
            yield return (Change("status", "running", "interrupted", reason), c => c.SetField("status", "interrupted"));
        }

        var recorded = checkpoint.RunKeys.ToList();
        var onDisk = RunScanner.EnumerateAddresses(experiment, RunQuery.All, _ => { }).Select(a => (a.Tier, a.Subtest, a.RunNumber));
        foreach (var (tier, subtest, run) in recorded.Concat(onDisk.Except(recorded)))
        {
            if (RunStep(experiment, checkpoint, tier, subtest, run) is not { } step)
            {
                continue;
            }

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

    private sealed record RunFix(
        string? OldState, string? OldStatus, string? State, string? Status, CheckpointChangeDirection Direction, string Reason);

    /// <summary>The entry a run should have for what its folder proves, or null when its entry already fits.</summary>
    private static RunFix? RunStep(Experiment experiment, Checkpoint checkpoint, string tier, string subtest, int run)
    {
        if (!TierId.IsValid(tier) || !TierId.IsValidSubtestId(subtest))
        {
            return null;
        }

        var state = checkpoint.GetRunState(tier, subtest, run);
        var status = checkpoint.GetRunStatus(tier, subtest, run);
        var (disk, passed, reason) = RunEvidence.Read(experiment, tier, subtest, run);
        var resumesAt = RunStates.ResumePoint(state);
        (string? State, string? Status) wanted = disk switch
        {
            RunOnDisk.Gone => (null, null),

            RunOnDisk.AgentNotDone when state == null && status == null => (null, null),
            RunOnDisk.AgentNotDone => (
                state != null && resumesAt == RunResumePoint.Agent ? state : RunStates.Pending,
                state == RunStates.Failed && status == "failed" ? "failed" : null),
            RunOnDisk.AgentDone => (resumesAt == RunResumePoint.Judges ? state : RunStates.AgentComplete, "agent_complete"),
            _ => (
                RunStates.IndexOf(state) >= RunStates.IndexOf(RunStates.ReportWritten) ? state : RunStates.ReportWritten,
                passed ? "passed" : "failed"),
        };
        if (wanted.State == state && wanted.Status == status)
        {
            return null;
        }

        var (from, to) = (ClassOf(state, status), ClassOf(wanted.State, wanted.Status));
        var direction = to > from ? CheckpointChangeDirection.Forward
            : to < from ? CheckpointChangeDirection.Backward
            : CheckpointChangeDirection.Same;
        return new RunFix(state, status, wanted.State, wanted.Status, direction, reason);
    }

    /// <summary>Where a run resumes by its entry; an entry without a state is placed by its status.</summary>
    private static RunResumePoint ClassOf(string? state, string? status) =>
        state != null ? RunStates.ResumePoint(state)
        : status == "agent_complete" ? RunResumePoint.Judges
        : status is "passed" or "failed" ? RunResumePoint.Done
        : RunResumePoint.Agent;
}
