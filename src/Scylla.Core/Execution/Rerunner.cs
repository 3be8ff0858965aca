using System.Diagnostics;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>
/// Re-runs runs given by address (docs/format.md, "Re-runs"): each run is owned through its <see cref="RunLease"/>, read
/// again from disk, planned from that read, checked before its first write, taken through its path of
/// <see cref="RerunStages"/> with its states saved in <c>checkpoint.json</c> (where <see cref="MustSave"/> says), and
/// reported as a fresh read finds it.
/// One instance serves a batch; it is safe to use from several threads.
/// </summary>
public sealed class Rerunner(RerunOptions options)
{
    private readonly RerunPreflight _preflight = new(options);
    private readonly RateLimitGate? _gate = options.WaitOnRateLimit is { } longest ? new RateLimitGate(longest) : null;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _statusBeforePause = new(StringComparer.Ordinal);

    /// <summary>
    /// Re-runs one run; <paramref name="reportStage"/> names each stage as it starts (called on this thread). With
    /// <see cref="RerunOptions.WaitOnRateLimit"/>, a run that meets a rate limit pauses the batch and is tried again.
    /// </summary>
    public RerunResult Execute(Experiment experiment, RunReference target, Action<string> reportStage, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = ExecuteOnce(experiment, target, reportStage, cancellationToken);
            if (_gate == null || result.Error is not RateLimitException limit
                || !_gate.Pause(limit.ResetAt, DateTimeOffset.UtcNow, out var until, out var started))
            {
                return result;
            }

            if (started)
            {
                RecordPause(experiment, limit.LimitedBy, until); // pause_count counts pauses, not the runs they stopped
            }

            try
            {
                WaitWhilePaused(reportStage, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return result;
            }
            finally
            {
                RecordResume(experiment);
            }
        }
    }

    private RerunResult ExecuteOnce(Experiment experiment, RunReference target, Action<string> reportStage, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        RunAttempt? attempt = null;
        RerunAction? action = null;
        RerunResult Result(RerunOutcome outcome, ScyllaException? error = null, ScyllaRun? after = null) => new()
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = target.Tier,
            Subtest = target.Subtest,
            RunNumber = target.RunNumber,
            Action = action,
            Outcome = outcome,
            Status = after?.Status,
            Score = after?.Score,
            Passed = after?.Passed,
            CostUsd = after?.CostUsd,
            DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            ArchivePath = attempt?.ArchivePath,
            Error = error,
        };

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _preflight.CheckExperiment(experiment);
            using var lease = RunLease.Acquire(target);
            var run = Read(experiment, target);
            var (planned, slots) = Plan(run);
            attempt = new RunAttempt(experiment, run, options, lease, Record, cancellationToken) { JudgeSlots = slots };
            var stages = PlanWithAgentWork(attempt, ref planned, reportStage);
            action = planned;
            _preflight.CheckNeeds(attempt, stages.Aggregate(StageNeeds.None, (needs, s) => needs | s.Needs));
            try
            {
                Advance(attempt, stages, reportStage);
            }
            catch (Exception e) when (e is not OperationCanceledException && Typed(e, target) is { } error)
            {
                RecordFailure(attempt, error);
                return Result(error is RateLimitException ? RerunOutcome.RateLimited : RerunOutcome.Failed, error, SafeRead(experiment, target));
            }
            finally
            {
                attempt.Saves.Settle(); // under the lease: a stopped run's last save lands before it is released
            }

            return Verified(experiment, target, Result);
        }
        catch (OperationCanceledException)
        {
            return Result(RerunOutcome.Interrupted, new ScyllaException("Interrupted", ScyllaErrorKind.OperationStopped,
                $"{target.RunId} was stopped; it keeps the checkpoint state it last saved."));
        }
        catch (Exception e) when (Typed(e, target) is { } refusal)
        {
            return Result(RerunOutcome.Skipped, refusal); // refused before its first write: nothing was touched
        }
        finally
        {
            attempt?.Repository?.Dispose();
        }
    }

    /// <summary>
    /// The stages of the planned path. When its judges need a patch no stage of it captures, the patch is read now,
    /// from the run's live worktree or its branch; a run whose work is in neither goes back to its agent (with
    /// -JudgeOnly it is refused), and says why. The plan decides the same way (<see cref="RerunDecision"/>).
    /// </summary>
    private IReadOnlyList<RerunStage> PlanWithAgentWork(RunAttempt attempt, ref RerunAction planned,
        Action<string> reportStage)
    {
        (planned, attempt.JudgeSlots, var stages) = RerunDecision.WithAgentWork(attempt.Run, planned,
            attempt.JudgeSlots, attempt.SlotCount, () => (attempt.Patch = _preflight.AgentWork(attempt)) != null,
            out var lost);
        if (lost != null)
        {
            reportStage(lost + ", so its agent runs again");
        }

        return stages;
    }

    /// <summary>Records <c>failed</c> (or <c>rate_limited</c>), still under the lease, unless the checkpoint cannot take even that.</summary>
    private void RecordFailure(RunAttempt attempt, ScyllaException error)
    {
        attempt.Saves.Settle(); // a save that failed on its way is followed by this one
        try
        {
            Record(attempt, [error is RateLimitException ? RunState.RateLimited : RunState.Failed], CancellationToken.None);
        }
        catch (ScyllaException)
        {
            // disk full, lock held: the run's error already says why its checkpoint is behind
        }
    }

    /// <summary>The run read from disk: the run folder comes from the experiment and validated ids, never from a caller.</summary>
    private static ScyllaRun Read(Experiment experiment, RunReference target)
    {
        if (target.RunNumber < 1)
        {
            throw new ScyllaException("InvalidRunId", ScyllaErrorKind.InvalidArgument, $"Run number {target.RunNumber} is not valid; runs count from 1.");
        }

        return RunScanner.ReadRun(experiment, target.Tier, target.Subtest, target.RunNumber, _ => { });
    }

    /// <summary>The path a run takes, from its state as read now, and the judge slots it runs; or why it is refused.</summary>
    private (RerunAction Action, IReadOnlyList<int> Slots) Plan(ScyllaRun run) =>
        RerunDecision.For(run, options.JudgeOnly);

    private void Advance(RunAttempt attempt, IReadOnlyList<RerunStage> stages, Action<string> reportStage)
    {
        var unsaved = new List<RunState>();
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if ((stage.Needs & (StageNeeds.AgentExecutable | StageNeeds.JudgeExecutable)) != 0)
            {
                attempt.Saves.Flush(); // no agent or judge starts before the checkpoint took the run's states so far,
                WaitWhilePaused(reportStage, attempt.CancellationToken); // nor while the batch is paused (checked last)
            }

            if (stage.Interruptible)
            {
                attempt.CancellationToken.ThrowIfCancellationRequested(); // after the waits: a stop during them counts
            }

            reportStage(stage.Name);
            stage.Run(attempt);
            unsaved.AddRange(stage.Records);
            var next = i + 1 < stages.Count ? stages[i + 1] : null;
            if (unsaved.Count > 0 && MustSave(stage, next))
            {
                var token = stage.Interruptible ? attempt.CancellationToken : CancellationToken.None;
                attempt.Saves.Queue([.. unsaved], token);
                unsaved.Clear();
                if (next == null || stage.Records.Contains(RunState.Pending))
                {
                    attempt.Saves.Flush();
                }
            }
        }

        attempt.Saves.Flush();
    }

    /// <summary>
    /// Whether the states reached so far are saved now, or with a later stage's (docs/performance.md, "Checkpoint
    /// updates"): now when they forget the old outcome, make the run's folders (the checkpoint shows the run under way
    /// while its workspace is made and its agent works), hold the agent's work, or come last. A stop in between leaves
    /// the checkpoint at an earlier state whose stages are safe to repeat (the agent's changes are committed once,
    /// whatever the checkpoint says). Saves are written while the next stages run (<see cref="RunStateSaves"/>); the
    /// run waits for <c>pending</c>, which must be on disk before the archive moves anything, for the saves before an
    /// agent or a judge starts, and for the last one.
    /// </summary>
    private static bool MustSave(RerunStage stage, RerunStage? next) =>
        next == null
        || stage.Records.Any(s => s is RunState.Pending or RunState.DirStructureCreated or RunState.AgentComplete);

    /// <summary>
    /// Saves states in the checkpoint: <c>pending</c> forgets the old outcome (formats.md §3.10); the first complete state
    /// records the real verdict first, so the complete states keep it (§3.7).
    /// </summary>
    private void Record(RunAttempt attempt, IReadOnlyList<RunState> states, CancellationToken cancellationToken)
    {
        var (tier, subtest, runNumber) = (attempt.Run.Tier, attempt.Run.Subtest, attempt.Run.RunNumber);
        CheckpointStore.UpdateIfChanged(attempt.Experiment.Path, attempt.Experiment.Config, checkpoint =>
        {
            attempt.Lease.EnsureHeld(); // under the checkpoint's lock: a run taken over writes nothing more
            if (states.All(s => s == RunState.Pending) && checkpoint.IsRunCleared(tier, subtest, runNumber))
            {
                return false; // a run reset before (or never run) has no outcome to forget: nothing is written
            }

            foreach (var state in states)
            {
                if (state == RunState.Pending)
                {
                    checkpoint.ClearRun(tier, subtest, runNumber);
                    continue;
                }

                if (state.IsComplete() && attempt.Consensus is { } verdict && !attempt.LastRecorded.IsComplete())
                {
                    checkpoint.MarkRunCompleted(tier, subtest, runNumber, verdict.Passed ? CompletedRunStatus.Passed : CompletedRunStatus.Failed);
                }

                checkpoint.AdvanceRun(tier, subtest, runNumber, state.ToWire());
                attempt.LastRecorded = state;
            }

            return true;
        }, cancellationToken, options.CheckpointLockTimeout);
    }

    private void WaitWhilePaused(Action<string> reportStage, CancellationToken cancellationToken) =>
        _gate?.WaitWhilePaused(cancellationToken, left => reportStage($"paused for a rate limit: {left:hh\\:mm\\:ss} left"));

    /// <summary>
    /// The checkpoint says the batch is paused (upstream's fields), so the Python tool and a user see why. A checkpoint
    /// that cannot take the note does not stop the wait: the runs' own checkpoint writes report that failure.
    /// </summary>
    private void RecordPause(Experiment experiment, string source, DateTimeOffset until) => NoteInCheckpoint(experiment,
        c => _statusBeforePause.TryAdd(experiment.Path, c.RecordRateLimitPause(source, until)));

    /// <summary>The pause is over: the status the checkpoint had before it comes back.</summary>
    private void RecordResume(Experiment experiment)
    {
        if (_statusBeforePause.TryRemove(experiment.Path, out var status))
        {
            NoteInCheckpoint(experiment, c => c.RecordRateLimitResume(status));
        }
    }

    private void NoteInCheckpoint(Experiment experiment, Action<Checkpoint> note)
    {
        try
        {
            CheckpointStore.Update(experiment.Path, experiment.Config, note, lockTimeout: options.CheckpointLockTimeout);
        }
        catch (ScyllaException)
        {
            // see RecordPause
        }
    }

    /// <summary>The outcome a fresh read agrees with: Succeeded only for a Completed run with no Failed judge slot.</summary>
    private static RerunResult Verified(Experiment experiment, RunReference target, Func<RerunOutcome, ScyllaException?, ScyllaRun?, RerunResult> result)
    {
        var after = Read(experiment, target);
        if (after.Status != RunStatus.Completed)
        {
            return result(RerunOutcome.Failed, new ScyllaException("RunIncomplete", ScyllaErrorKind.InvalidOperation,
                $"{target.RunId} is {after.Status} after its re-run ({after.Reason})."), after);
        }

        return after.JudgeSlots.Contains(nameof(JudgeSlotStatus.Failed), StringComparison.Ordinal)
            ? result(RerunOutcome.Failed, new ScyllaException("JudgeFailed", ScyllaErrorKind.InvalidOperation,
                $"{target.RunId} has failed judge slots ({after.JudgeSlots}); see judge/judge_NN/error.log, then re-run them with -JudgeOnly."), after)
            : result(RerunOutcome.Succeeded, null, after);
    }

    private static ScyllaRun? SafeRead(Experiment experiment, RunReference target)
    {
        try
        {
            return Read(experiment, target);
        }
        catch (Exception e) when (e is ScyllaException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Any failure of one run as a typed error with a stable id. Even an unexpected one is that run's error: it must end
    /// neither the batch nor pwsh (the workers run on threads of their own).
    /// </summary>
    private static ScyllaException? Typed(Exception e, RunReference target) => e switch
    {
        ScyllaException s => s,
        OutOfMemoryException => null,
        _ => new ScyllaException("RunFailed", e is UnauthorizedAccessException or IOException ? ScyllaErrorKind.WriteError : ScyllaErrorKind.InvalidOperation,
            $"{target.RunId} failed: {e.Message}", target.ExperimentPath, e),
    };
}
