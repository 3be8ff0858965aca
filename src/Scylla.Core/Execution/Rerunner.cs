using System.Diagnostics;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>What a re-run does with a run.</summary>
public enum RerunAction
{
    /// <summary>Failed, Partial or Missing: archive it and run the agent and the judges again.</summary>
    RerunAgent,

    /// <summary>Results: rebuild the missing result files from the logs; no agent, no judge.</summary>
    Regenerate,

    /// <summary>-JudgeOnly: run the Missing and Failed judge slots again and recompute the consensus.</summary>
    RerunJudges,

    /// <summary>Nothing to do (a Completed run without -JudgeOnly, or judges without a valid agent result).</summary>
    Refuse,
}

/// <summary>How a re-run of one run ended.</summary>
public enum RerunOutcome
{
    Succeeded,
    Failed,
    Skipped,
    RateLimited,
    Interrupted,
}

/// <summary>What the re-run cmdlet reports per run; flat, so a batch summarizes with Group-Object Outcome.</summary>
public sealed class RerunResult
{
    public required string ExperimentId { get; init; }

    public required string ExperimentPath { get; init; }

    public required string Tier { get; init; }

    public required string Subtest { get; init; }

    public required int RunNumber { get; init; }

    public string RunId => Experiment.RunId(Tier, Subtest, RunNumber);

    public required RerunAction Action { get; init; }

    public required RerunOutcome Outcome { get; init; }

    public double? Score { get; init; }

    public bool? Passed { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>Where the previous run folder was archived, if it existed.</summary>
    public string? ArchivePath { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The stable id of the error, when the outcome is not Succeeded.</summary>
    public string? ErrorId { get; init; }
}

/// <summary>Settings of a re-run batch.</summary>
public sealed record RerunOptions
{
    /// <summary>The agent executable: <c>claude</c>, or a stand-in with the same arguments and output.</summary>
    public string AgentPath { get; init; } = "claude";

    /// <summary>The judge executable: <c>claude</c>, or a stand-in with the same arguments and output.</summary>
    public string JudgePath { get; init; } = "claude";

    /// <summary>The judges' system prompt file.</summary>
    public required string JudgeSystemPromptPath { get; init; }

    public WorkspaceOptions Workspace { get; init; } = new();

    public bool JudgeOnly { get; init; }

    /// <summary>Overrides the experiment's <c>timeout_seconds</c> for the agent.</summary>
    public TimeSpan? AgentTimeout { get; init; }

    public TimeSpan JudgeTimeout { get; init; } = TimeSpan.FromSeconds(1200);
}

/// <summary>
/// Re-runs one run, stage by stage (run-flow §2.10, §5.4), saving its state in <c>checkpoint.json</c> after each stage so an
/// interrupted re-run can be seen and resumed. Failures end the run as <c>failed</c> (or <c>rate_limited</c>), never the batch.
/// </summary>
public static class Rerunner
{
    public const string AgentChangesCommitMessage = "[scylla] Agent changes";

    /// <summary>Run states of a re-run stopped after its agent finished and before its judges did: it resumes at the judges.</summary>
    private static readonly string[] s_judgePendingStates =
        ["agent_complete", "agent_changes_committed", "diff_captured", "promoted_to_completed", "judge_pipeline_run", "judge_prompt_built"];

    public static RerunAction Plan(ScyllaRun run, bool judgeOnly)
    {
        var agentValid = !run.JudgeSlots.Contains(nameof(JudgeSlotStatus.AgentFailed), StringComparison.Ordinal);
        if (judgeOnly || (agentValid && run.Status != RunStatus.Completed && s_judgePendingStates.Contains(run.RunState)))
        {
            return agentValid ? RerunAction.RerunJudges : RerunAction.Refuse;
        }

        return run.Status switch
        {
            RunStatus.Completed => RerunAction.Refuse,
            RunStatus.Results => RerunAction.Regenerate,
            _ => RerunAction.RerunAgent,
        };
    }

    /// <summary>Re-runs <paramref name="run"/>; <paramref name="reportStage"/> names each stage as it starts (called on this thread).</summary>
    public static RerunResult Execute(Experiment experiment, ScyllaRun run, RerunOptions options, Action<string> reportStage, CancellationToken cancellationToken)
    {
        var action = Plan(run, options.JudgeOnly);
        var stopwatch = Stopwatch.StartNew();
        string? archive = null;
        RerunResult Result(RerunOutcome outcome, Judgment? verdict = null, Exception? error = null) => new()
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = run.Tier,
            Subtest = run.Subtest,
            RunNumber = run.RunNumber,
            Action = action,
            Outcome = outcome,
            Score = verdict?.Score,
            Passed = verdict?.Passed,
            DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            ArchivePath = archive,
            ErrorMessage = error?.Message,
            ErrorId = error switch
            {
                null => null,
                ScyllaException s => s.ErrorId,
                RateLimitException => "RateLimited",
                OperationCanceledException => "Interrupted",
                _ => "RunFailed",
            },
        };

        if (action == RerunAction.Refuse)
        {
            var why = options.JudgeOnly
                ? $"{run.RunId} has no valid agent result, so its judges cannot run; re-run its agent (without -JudgeOnly) instead."
                : $"{run.RunId} is Completed and needs no re-run. To re-run judge slots that are Missing or Failed, use -JudgeOnly.";
            return Result(RerunOutcome.Skipped, error: new ScyllaException(options.JudgeOnly ? "AgentResultInvalid" : "RunAlreadyCompleted", ScyllaErrorKind.InvalidOperation, why));
        }

        var stages = new StageRecorder(experiment, run, reportStage, cancellationToken);
        try
        {
            return action switch
            {
                RerunAction.Regenerate => Result(RerunOutcome.Succeeded, Regenerate(experiment, run, stages)),
                RerunAction.RerunJudges => Result(RerunOutcome.Succeeded, RerunJudges(experiment, run, options, stages, cancellationToken)),
                _ => RerunAgent(experiment, run, options, stages, cancellationToken, a => archive = a, Result),
            };
        }
        catch (OperationCanceledException e)
        {
            return Result(RerunOutcome.Interrupted, error: e); // the run keeps the state of its last completed stage
        }
        catch (RateLimitException e)
        {
            stages.Advance("rate_limited");
            return Result(RerunOutcome.RateLimited, error: e);
        }
        catch (Exception e) when (e is ScyllaException { ErrorId: "ParentTiersIncomplete" })
        {
            return Result(RerunOutcome.Skipped, error: e); // checked before anything was touched
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stages.Advance("failed");
            return Result(RerunOutcome.Failed, error: e);
        }
    }

    private static RerunResult RerunAgent(Experiment experiment, ScyllaRun run, RerunOptions options, StageRecorder stages, CancellationToken cancellationToken,
        Action<string> archived, Func<RerunOutcome, Judgment?, Exception?, RerunResult> result)
    {
        // Everything that can refuse the run is checked before the old run is touched.
        var subtest = WorkspaceManager.FindSubtest(experiment, run.Tier, run.Subtest);
        if (run.Tier == "T5" && subtest.InheritBestFrom.Count > 0)
        {
            Inheritance.BuildMergedResources(experiment, subtest.InheritBestFrom);
        }

        var taskPrompt = TaskPrompt(experiment);
        var runDirectory = RunHome(experiment, run, Experiment.InProgressFolder);

        stages.Start("archive the previous run");
        foreach (var existing in ExistingRunDirectories(experiment, run))
        {
            archived(RunArchive.Archive(existing, (from, to) => WorkspaceManager.ArchiveRun(experiment, from, to, options.Workspace, cancellationToken)));
        }

        stages.Reset();
        var agentDirectory = Path.Combine(runDirectory, "agent");
        Directory.CreateDirectory(agentDirectory);
        Directory.CreateDirectory(Path.Combine(runDirectory, "judge"));
        stages.Advance("dir_structure_created");

        stages.Start("create the workspace");
        var workspace = WorkspaceManager.Create(experiment, run.Tier, run.Subtest, run.RunNumber, options.Workspace, cancellationToken).Path;
        stages.Advance("worktree_created", "symlinks_applied", "config_committed", "baseline_captured");

        stages.Start("write the prompt");
        LinkTaskPrompt(experiment, runDirectory, taskPrompt);
        stages.Advance("prompt_written");
        var promptPath = Path.Combine(agentDirectory, "prompt.md");
        var command = AgentRun.Command(options.AgentPath, experiment.Config, subtest, promptPath);
        AgentRun.Prepare(agentDirectory, workspace, AgentRun.PromptText(taskPrompt, experiment.Config.ThinkingMode), command);
        stages.Advance("replay_generated");

        stages.Start("run the agent");
        var timeout = options.AgentTimeout ?? TimeSpan.FromSeconds(experiment.Config.TimeoutSeconds);
        var (agent, agentSeconds) = AgentRun.Execute(agentDirectory, workspace, command, experiment.Config.Models[0], timeout, cancellationToken);
        if (RateLimits.DetectForAgent(agent.Stdout, agent.Stderr) is { } limit)
        {
            throw new RateLimitException("agent", limit);
        }

        if (agent.IsInfrastructureFailure)
        {
            stages.Advance("failed");
            var moved = RunArchive.Archive(runDirectory, (from, to) => WorkspaceManager.ArchiveRun(experiment, from, to, options.Workspace, cancellationToken));
            return result(RerunOutcome.Failed, null, new ScyllaException("AgentInfrastructureFailure", ScyllaErrorKind.InvalidOperation,
                $"The agent of {run.RunId} ended without reaching the API (exit code -1, no tokens){(agent.Stderr.Length > 0 ? ": " + agent.Stderr : string.Empty)}. The run was archived to {moved}."));
        }

        stages.Advance("agent_complete");

        stages.Start("commit the agent's changes");
        WorkspaceManager.CommitAll(experiment, workspace, AgentChangesCommitMessage, options.Workspace, cancellationToken);
        stages.Advance("agent_changes_committed");
        var patch = Judging.CapturePatch(workspace);
        stages.Advance("diff_captured");

        if (experiment.Layout == ExperimentLayout.Phase)
        {
            stages.Start("promote to completed/");
            var promoted = RunHome(experiment, run, Experiment.CompletedFolder);
            WorkspaceManager.MoveRun(experiment, runDirectory, promoted, options.Workspace, cancellationToken);
            runDirectory = promoted;
            workspace = Path.Combine(runDirectory, "workspace");
        }

        stages.Advance("promoted_to_completed", "judge_pipeline_run");
        var judgePromptPath = Path.Combine(runDirectory, "judge_prompt.md");
        if (!File.Exists(judgePromptPath))
        {
            File.WriteAllText(judgePromptPath, Judging.BuildPrompt(experiment.Path, taskPrompt, agent.Stdout, patch));
        }

        stages.Advance("judge_prompt_built");
        var (consensus, judges, judgeSeconds) = RunJudges(experiment, runDirectory, Enumerable.Range(1, experiment.Config.JudgeModels.Count), options, stages, cancellationToken);
        stages.Advance("judge_complete");

        // From here on nothing runs a process and everything takes milliseconds: a stop no longer interrupts the run.
        stages.Start("write the results", interruptible: false);
        RunResults.Write(runDirectory, run.RunId, RunResults.Build(runDirectory, run.RunNumber, agent, agentSeconds, judgeSeconds, consensus, judges));
        stages.Complete(consensus.Passed, "run_finalized", "report_written", "checkpointed");

        stages.Start("release the worktree", interruptible: false);
        WorkspaceManager.Release(experiment, workspace, options.Workspace, cancellationToken);
        stages.Advance("worktree_cleaned");
        return result(RerunOutcome.Succeeded, consensus, null);
    }

    private static Judgment Regenerate(Experiment experiment, ScyllaRun run, StageRecorder stages)
    {
        stages.Start("regenerate result files");
        var runResult = RunResults.Regenerate(run.Path, run.RunNumber, experiment.Config.JudgeModels);
        var verdict = new Judgment(runResult["judge_score"]!.GetValue<double>(), runResult["judge_passed"]!.GetValue<bool>(), runResult["judge_grade"]!.ToString(),
            runResult["judge_reasoning"]?.ToString() ?? string.Empty, true, null);
        stages.Complete(verdict.Passed, "report_written");
        return verdict;
    }

    private static Judgment RerunJudges(Experiment experiment, ScyllaRun run, RerunOptions options, StageRecorder stages, CancellationToken cancellationToken)
    {
        var slots = run.JudgeSlots.Split(',').Select((status, index) => (Status: status, Slot: index + 1))
            .Where(s => s.Status is nameof(JudgeSlotStatus.Missing) or nameof(JudgeSlotStatus.Failed)).Select(s => s.Slot).ToList();
        var judgePromptPath = Path.Combine(run.Path, "judge_prompt.md");
        if (!File.Exists(judgePromptPath))
        {
            var output = File.Exists(Path.Combine(run.Path, "agent", "output.txt")) ? File.ReadAllText(Path.Combine(run.Path, "agent", "output.txt")) : string.Empty;
            var patch = Directory.Exists(Path.Combine(run.WorkspacePath, ".git")) || File.Exists(Path.Combine(run.WorkspacePath, ".git")) ? Judging.CapturePatch(run.WorkspacePath) : "(no changes detected)";
            File.WriteAllText(judgePromptPath, Judging.BuildPrompt(experiment.Path, TaskPrompt(experiment), output, patch));
        }

        var (consensus, judges, judgeSeconds) = RunJudges(experiment, run.Path, slots, options, stages, cancellationToken);
        stages.Start("write the results", interruptible: false);
        var runResultPath = Path.Combine(run.Path, "run_result.json");
        if (RunResults.ReadObject(runResultPath) is { } runResult)
        {
            // Unlike upstream, the per-judge list and the judge time follow the new consensus.
            var agentSeconds = runResult["agent_duration_seconds"]?.GetValue<double>() ?? 0;
            runResult["judge_score"] = consensus.Score;
            runResult["judge_passed"] = consensus.Passed;
            runResult["judge_grade"] = consensus.Grade;
            runResult["judge_reasoning"] = consensus.Reasoning;
            runResult["judges"] = RunResults.JudgesJson(judges);
            runResult["judge_duration_seconds"] = judgeSeconds;
            runResult["duration_seconds"] = agentSeconds + judgeSeconds;
            runResult["criteria_scores"] = consensus.CriteriaScores?.DeepClone() ?? new JsonObject();
            RunResults.Write(run.Path, run.RunId, runResult);
        }
        else
        {
            RunResults.Regenerate(run.Path, run.RunNumber, experiment.Config.JudgeModels);
        }

        if (!s_judgePendingStates.Contains(run.RunState))
        {
            stages.Complete(consensus.Passed, "judge_complete", "run_finalized", "report_written");
            return consensus; // a judge-only pass leaves the run's workspace as it found it
        }

        // Resuming a re-run that stopped before its judges: finish it as the agent re-run would have.
        stages.Complete(consensus.Passed, "judge_complete", "run_finalized", "report_written", "checkpointed");
        stages.Start("release the worktree", interruptible: false);
        WorkspaceManager.Release(experiment, run.WorkspacePath, options.Workspace, CancellationToken.None);
        stages.Advance("worktree_cleaned");
        return consensus;
    }

    /// <summary>Runs the given slots, then the consensus over every slot on disk; writes judge/result.json and judge/timing.json.</summary>
    private static (Judgment Consensus, List<JudgeEntry> Judges, double Seconds) RunJudges(
        Experiment experiment, string runDirectory, IEnumerable<int> slots, RerunOptions options, StageRecorder stages, CancellationToken cancellationToken)
    {
        var prompt = File.ReadAllText(Path.Combine(runDirectory, "judge_prompt.md"));
        var stopwatch = Stopwatch.StartNew();
        var fresh = new Dictionary<int, Judgment>();
        foreach (var slot in slots)
        {
            stages.Start($"judge {slot} of {experiment.Config.JudgeModels.Count}");
            var directory = Path.Combine(runDirectory, "judge", $"judge_{slot:00}");
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true); // a Missing or Failed slot holds no valid judgment
            }

            fresh[slot] = Judging.RunSlot(directory, options.JudgePath, experiment.Config.JudgeModels[slot - 1], options.JudgeSystemPromptPath, prompt, runDirectory, options.JudgeTimeout, cancellationToken);
        }

        var onDisk = RunResults.ReadJudges(runDirectory, experiment.Config.JudgeModels).ToDictionary(j => j.Slot);
        var judges = Enumerable.Range(1, experiment.Config.JudgeModels.Count)
            .Select(k => onDisk.TryGetValue(k, out var entry) ? entry : new JudgeEntry(k, experiment.Config.JudgeModels[k - 1], fresh.GetValueOrDefault(k) ?? Judgment.Failed("no judgment")))
            .ToList();
        var consensus = Judging.Consensus(judges.Select(j => j.Judgment).ToList());
        AgentRun.WriteJson(Path.Combine(runDirectory, "judge", "result.json"), consensus.ToJson(withCriteria: false));
        AgentRun.WriteJson(Path.Combine(runDirectory, "judge", "timing.json"), new JsonObject { ["judge_duration_seconds"] = stopwatch.Elapsed.TotalSeconds, ["measured_at"] = Judging.Now() });
        return (consensus, judges, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>The task prompt: the experiment's own copy (<c>prompt.md</c>), else <c>task_prompt_file</c> relative to the experiment.</summary>
    private static string TaskPrompt(Experiment experiment)
    {
        var copy = Path.Combine(experiment.Path, "prompt.md");
        var configured = Path.Combine(experiment.Path, experiment.Config.TaskPromptFile);
        return File.Exists(copy) ? File.ReadAllText(copy)
            : File.Exists(configured) ? File.ReadAllText(configured)
            : throw new ScyllaException("TaskPromptNotFound", ScyllaErrorKind.NotFound, $"The task prompt was not found: neither '{copy}' nor '{configured}' exists.", experiment.Path);
    }

    /// <summary><c>task_prompt.md</c>: an absolute link to the experiment's <c>prompt.md</c> (run-flow §5.4 stage 6), else a copy.</summary>
    private static void LinkTaskPrompt(Experiment experiment, string runDirectory, string taskPrompt)
    {
        var link = Path.Combine(runDirectory, "task_prompt.md");
        File.Delete(link);
        var source = Path.Combine(experiment.Path, "prompt.md");
        if (File.Exists(source))
        {
            File.CreateSymbolicLink(link, Path.GetFullPath(source));
        }
        else
        {
            File.WriteAllText(link, taskPrompt);
        }
    }

    /// <summary>Where the run lives while it runs: in_progress/ (or completed/) in the phase layout, in place in the flat one.</summary>
    private static string RunHome(Experiment experiment, ScyllaRun run, string phase) => experiment.Layout == ExperimentLayout.Phase
        ? Path.Combine(experiment.Path, phase, run.Tier, run.Subtest, Experiment.RunDirectoryName(run.RunNumber))
        : Path.Combine(experiment.Path, run.Tier, run.Subtest, Experiment.RunDirectoryName(run.RunNumber));

    private static IEnumerable<string> ExistingRunDirectories(Experiment experiment, ScyllaRun run) =>
        experiment.TierDirectories(run.Tier)
            .Select(d => Path.Combine(d.Directory, run.Subtest, Experiment.RunDirectoryName(run.RunNumber)))
            .Where(Path.Exists)
            .ToList();

    /// <summary>Saves each stage in the checkpoint as the run passes it, and tells the caller which stage is running.</summary>
    private sealed class StageRecorder(Experiment experiment, ScyllaRun run, Action<string> reportStage, CancellationToken cancellationToken)
    {
        public void Start(string stage, bool interruptible = true)
        {
            if (interruptible)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            reportStage(stage);
        }

        /// <summary>Back to <c>pending</c>, with the old outcome forgotten, as upstream's reset does.</summary>
        public void Reset() => Save(c => c.ClearRun(run.Tier, run.Subtest, run.RunNumber));

        public void Advance(params string[] states) => Save(c =>
        {
            foreach (var state in states)
            {
                c.AdvanceRun(run.Tier, run.Subtest, run.RunNumber, state);
            }
        });

        /// <summary>Records the real outcome before the complete states, so they keep it (formats.md §3.7).</summary>
        public void Complete(bool passed, params string[] states) => Save(c =>
        {
            c.MarkRunCompleted(run.Tier, run.Subtest, run.RunNumber, passed ? CompletedRunStatus.Passed : CompletedRunStatus.Failed);
            foreach (var state in states)
            {
                c.AdvanceRun(run.Tier, run.Subtest, run.RunNumber, state);
            }
        });

        private void Save(Action<Checkpoint> change) => CheckpointStore.Update(experiment.Path, experiment.Config, change);
    }
}
