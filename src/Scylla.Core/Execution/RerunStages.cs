using System.Diagnostics;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

using Scylla.Core.IO;

namespace Scylla.Core.Execution;

/// <summary>
/// The one declared list of re-run stages, in order (docs/format.md, "Re-runs"). Every kind of re-run is a path through
/// this list: an agent re-run takes all of it, a resumed run starts after its recorded state, judge-only and regeneration
/// take the judging and result stages.
/// </summary>
internal static class RerunStages
{
    public static readonly RerunStage Reset = new("reset the run", [RunState.Pending], true, StageNeeds.None, _ => { });

    public static readonly RerunStage ArchivePrevious = new("archive the previous attempt", [], true,
        StageNeeds.None, ArchiveExisting);

    public static readonly RerunStage CreateFolders = new("create the run folders", [RunState.DirStructureCreated], true,
        StageNeeds.None, CreateRunFolders);

    public static readonly RerunStage CreateWorkspace = new("create the workspace",
        [RunState.WorktreeCreated, RunState.SymlinksApplied, RunState.ConfigCommitted, RunState.BaselineCaptured], true,
        StageNeeds.Workspace, CreateConfiguredWorkspace);

    public static readonly RerunStage WritePrompt = new("write the prompt", [RunState.PromptWritten], true,
        StageNeeds.TaskPrompt, LinkTaskPrompt);

    public static readonly RerunStage WriteReplay = new("write replay.sh", [RunState.ReplayGenerated], true,
        StageNeeds.TaskPrompt | StageNeeds.Subtest | StageNeeds.AgentExecutable, PrepareAgent);

    public static readonly RerunStage RunAgent = new("run the agent", [RunState.AgentComplete], true,
        StageNeeds.AgentExecutable, ExecuteAgent);

    public static readonly RerunStage CommitAgentChanges = new("commit the agent's changes", [RunState.AgentChangesCommitted], true,
        StageNeeds.Repository, a => a.Repository!.CommitAgentChanges(a.Workspace));

    public static readonly RerunStage CaptureDiff = new("capture the diff", [RunState.DiffCaptured], true,
        StageNeeds.Repository, a => a.Patch = a.Repository!.Patch(a.Workspace));

    public static readonly RerunStage Promote = new("promote to completed/", [RunState.PromotedToCompleted], true,
        StageNeeds.None, PromoteToCompleted);

    /// <summary>Upstream runs the task's build pipeline here; this module does not (docs/format.md, "Not done").</summary>
    public static readonly RerunStage BuildPipeline = new("run the build pipeline", [RunState.JudgePipelineRun], true,
        StageNeeds.None, _ => { });

    public static readonly RerunStage BuildJudgePrompt = new("build the judge prompt", [RunState.JudgePromptBuilt], true,
        StageNeeds.TaskPrompt, WriteJudgePrompt);

    public static readonly RerunStage RunJudges = new("run the judges", [RunState.JudgeComplete], true,
        StageNeeds.JudgeExecutable, ExecuteJudges);

    /// <summary>From here on nothing runs a process and everything takes milliseconds: a stop no longer interrupts.</summary>
    public static readonly RerunStage WriteResults = new("write the results",
        [RunState.RunFinalized, RunState.ReportWritten, RunState.Checkpointed], false, StageNeeds.None, WriteRunResults);

    public static readonly RerunStage ReleaseWorktree = new("release the worktree", [RunState.WorktreeCleaned], false,
        StageNeeds.None, Release);

    /// <summary>The whole list, in order. Reset records <c>pending</c> before the archive moves anything.</summary>
    public static readonly IReadOnlyList<RerunStage> All =
    [
        Reset, ArchivePrevious, CreateFolders, CreateWorkspace, WritePrompt, WriteReplay, RunAgent, CommitAgentChanges,
        CaptureDiff, Promote, BuildPipeline, BuildJudgePrompt, RunJudges, WriteResults, ReleaseWorktree,
    ];

    /// <summary>
    /// The stages an action runs, in list order. A resumed run starts after the state it recorded; one whose worktree
    /// is gone (a finished run reset to a judge state) starts after the diff at the latest: its agent's work is
    /// committed on its branch, where preflight read the patch. <paramref name="hasWorktree"/> is asked only then, so
    /// a plan of many runs looks at no worktree it does not need (docs/performance.md, "The dry run").
    /// </summary>
    public static IReadOnlyList<RerunStage> PathFor(
        RerunAction action, RunState? recorded, Func<bool> hasWorktree) => action switch
    {
        RerunAction.RerunAgent => All,
        RerunAction.ResumeJudges when recorded is { } state && state.AwaitsJudges() =>
            After(state > RunState.DiffCaptured || hasWorktree() ? state : RunState.DiffCaptured),
        RerunAction.ResumeJudges => [BuildJudgePrompt, RunJudges, WriteResults, ReleaseWorktree],
        RerunAction.RerunJudges => [BuildJudgePrompt, RunJudges, WriteResults],
        _ => [WriteResults],
    };

    private static List<RerunStage> After(RunState start) =>
        All.Where(s => s.Reaches > start && s.Reaches <= RunState.WorktreeCleaned).ToList();

    private static void ArchiveExisting(RunAttempt a) =>
        a.ArchivePath = RunArchive.ArchiveRun(a.Experiment, a.Run.Tier, a.Run.Subtest, a.Run.RunNumber);

    private static string Archive(RunAttempt a, string runDirectory) =>
        RunArchive.Archive(runDirectory, RepositorySession.ArchiveRun);

    private static void CreateRunFolders(RunAttempt a)
    {
        a.RunDirectory = a.HomeIn(Experiment.InProgressFolder);
        Directory.CreateDirectory(a.AgentDirectory);
        Directory.CreateDirectory(Path.Combine(a.RunDirectory, RunFolder.Judge));
    }

    /// <summary>
    /// The worktree, configured for the subtest; and the subtest's <c>config_manifest.json</c> when it has none, which
    /// is what a T5 subtest inheriting from this tier reads (docs/format.md, "Re-runs").
    /// </summary>
    private static void CreateConfiguredWorkspace(RunAttempt a)
    {
        a.Repository!.Create(a.WorkspacePlan!, a.CancellationToken);
        var manifest = Path.Combine(Path.GetDirectoryName(a.RunDirectory)!, RunFolder.ConfigManifest);
        if (!File.Exists(manifest))
        {
            AgentRun.WriteJson(manifest, new JsonObject
            {
                ["tier_id"] = a.Run.Tier,
                ["subtest_id"] = a.Run.Subtest,
                ["fixture_config_path"] = a.Subtest!.FilePath,
                ["resources"] = a.Subtest.Resources.DeepClone(),
                ["composed_at"] = Judging.Now(),
            });
        }
    }

    /// <summary><c>task_prompt.md</c>: an absolute link to the experiment's <c>prompt.md</c>, else a copy.</summary>
    private static void LinkTaskPrompt(RunAttempt a)
    {
        var link = Path.Combine(a.RunDirectory, RunFolder.TaskPrompt);
        File.Delete(link);
        var source = Path.Combine(a.Experiment.Path, RunFolder.Prompt);
        if (File.Exists(source))
        {
            File.CreateSymbolicLink(link, Path.GetFullPath(source));
        }
        else
        {
            File.WriteAllText(link, a.TaskPrompt);
        }
    }

    private static void PrepareAgent(RunAttempt a)
    {
        var config = a.Experiment.Config;
        var agentPrompt = Path.Combine(a.AgentDirectory, RunFolder.Prompt);
        a.AgentCommand = AgentRun.Command(a.Options.AgentPath, config, a.Subtest!, agentPrompt);
        AgentRun.Prepare(a.AgentDirectory, a.Workspace, AgentRun.PromptText(a.TaskPrompt!, config.ThinkingMode), a.AgentCommand);
    }

    /// <summary>
    /// Runs the agent; an attempt that hit a rate limit, never reached the API, or failed without output is archived
    /// before its failure is reported, so nothing judges it and the next re-run starts it afresh.
    /// </summary>
    /// <summary>How long an agent ended by a stop signal waits for this process's own stop to arrive.</summary>
    private static readonly TimeSpan s_ownStopGrace = TimeSpan.FromSeconds(2);

    private static void ExecuteAgent(RunAttempt a)
    {
        var config = a.Experiment.Config;
        var timeout = a.Options.AgentTimeout ?? TimeSpan.FromSeconds(config.TimeoutSeconds);
        var (agent, seconds) = AgentRun.Execute(a.AgentDirectory, a.Workspace, a.AgentCommand!, config.Models[0], timeout,
            a.CancellationToken, group => a.Lease.RecordProcessGroup(group));
        a.Lease.RecordProcessGroup(null);
        a.Agent = agent;
        a.AgentSeconds = seconds;
        if (agent.ExitCode is 128 + 1 or 128 + 2 or 128 + 15)
        {
            // Slurm and a terminal signal the whole job or process group at once: an agent ended by SIGHUP, SIGINT or
            // SIGTERM before this process saw its own is a stop, not a failed agent (docs/cluster.md, "Cancelling").
            a.CancellationToken.WaitHandle.WaitOne(s_ownStopGrace);
            a.CancellationToken.ThrowIfCancellationRequested();
        }

        if (AgentFailure(a.Run, agent) is { } failure)
        {
            a.ArchivePath = Archive(a, a.RunDirectory);
            throw failure;
        }
    }

    /// <summary>Why the agent's result is no work to judge (docs/claude-cli-contract.md); null when it is.</summary>
    private static ScyllaException? AgentFailure(ScyllaRun run, AgentResult agent)
    {
        var outcome = agent.Outcome;
        var ownLines = agent.Stderr.Split('\n').Where(line => !line.StartsWith('+')); // not bash's trace of replay.sh
        var quoted = RateLimits.Printable(string.Join('\n', ownLines).Trim());
        var stderr = quoted.Length > 0 ? ": " + quoted[..Math.Min(quoted.Length, 500)] : string.Empty;
        return outcome.Kind switch
        {
            AgentOutcomeKind.RateLimited => new RateLimitException("agent", outcome.Message)
            {
                ResetAt = RateLimitReset.From(agent.Stdout + "\n" + agent.Stderr, DateTimeOffset.UtcNow),
            },
            AgentOutcomeKind.InfrastructureFailure => new ScyllaException("AgentInfrastructureFailure",
                ScyllaErrorKind.InvalidOperation, $"The agent of {run.RunId} did no work "
                + $"({RateLimits.Printable(outcome.Message)}){stderr}. The attempt was archived; "
                + "re-run it once the API answers."),
            AgentOutcomeKind.AgentFailure => new ScyllaException("AgentFailed", ScyllaErrorKind.InvalidOperation,
                $"The agent of {run.RunId} exited with code {agent.ExitCode} and wrote no output{stderr}. "
                + "The attempt was archived."),
            _ => null,
        };
    }

    private static void PromoteToCompleted(RunAttempt a)
    {
        if (a.Experiment.Layout != ExperimentLayout.Phase)
        {
            return;
        }

        var promoted = a.HomeIn(Experiment.CompletedFolder);
        if (a.RunDirectory != promoted)
        {
            RepositorySession.MoveRun(a.RunDirectory, promoted);
            a.RunDirectory = promoted;
        }
    }

    private static void WriteJudgePrompt(RunAttempt a)
    {
        var path = Path.Combine(a.RunDirectory, RunFolder.JudgePrompt);
        if (File.Exists(path))
        {
            return; // the prompt the earlier judges saw: every slot of a run is judged on the same text
        }

        if (a.Agent == null && !RunClassifier.IsValidAgentResult(Path.Combine(a.AgentDirectory, RunFolder.Result), []))
        {
            // A resume at the judges: only an agent's real work is judged (docs/claude-cli-contract.md, "Outcomes").
            throw new ScyllaException("AgentResultInvalid", ScyllaErrorKind.InvalidOperation,
                $"{a.Run.RunId} has no agent result of real work (agent/result.json), so its judges cannot run; "
                + "re-run its agent.");
        }

        var output = a.Agent?.Stdout ?? ReadIfExists(Path.Combine(a.AgentDirectory, RunFolder.Output));
        File.WriteAllText(path, Judging.BuildPrompt(a.Experiment.Path, a.TaskPrompt!, output, a.Patch!));
    }

    /// <summary>Runs this attempt's slots, then the consensus over every slot on disk.</summary>
    private static void ExecuteJudges(RunAttempt a)
    {
        var models = a.Experiment.Config.JudgeModels;
        var prompt = SmallFile.ReadText(Path.Combine(a.RunDirectory, RunFolder.JudgePrompt));
        var stopwatch = Stopwatch.StartNew();
        var fresh = new System.Collections.Concurrent.ConcurrentDictionary<int, Judgment>();
        JudgeResultArchive.ArchiveSlots(a.RunDirectory, a.JudgeSlots); // a Failed slot's files stay readable in .failed/
        ForEachAtOnce(a.JudgeSlots, a.Options.JudgeThrottleLimit, slot => fresh[slot] = Judging.RunSlot(
            Path.Combine(a.RunDirectory, RunFolder.Judge, RunFolder.JudgeSlot(slot)), a.Options.JudgePath,
                models[slot - 1],
            a.Options.JudgeSystemPromptPath, prompt, a.RunDirectory, a.Options.JudgeTimeout, a.CancellationToken));

        var onDisk = RunResults.ReadJudges(a.RunDirectory, models).ToDictionary(j => j.Slot);
        a.Judges = Enumerable.Range(1, models.Count)
            .Select(k => onDisk.GetValueOrDefault(k) ?? new JudgeEntry(k, models[k - 1], fresh.GetValueOrDefault(k) ?? Judgment.Failed("no judgment")))
            .ToList();
        if (a.Judges.All(j => !j.Judgment.IsValid))
        {
            // A consensus of failed judges is no verdict: the run keeps the one it had (or none), its slots stay Failed.
            throw new ScyllaException("JudgesFailed", ScyllaErrorKind.InvalidOperation,
                $"Every judge of {a.Run.RunId} failed (see judge/judge_NN/error.log); no verdict was written. Re-run them with -JudgeOnly.");
        }

        a.Consensus = Judging.Consensus(a.Judges.Select(j => j.Judgment).ToList());
        a.JudgeSeconds = stopwatch.Elapsed.TotalSeconds;
        AgentRun.WriteJson(Path.Combine(a.RunDirectory, RunFolder.Judge, RunFolder.Result),
            a.Consensus.ToJson(withCriteria: false));
        AgentRun.WriteJson(Path.Combine(a.RunDirectory, RunFolder.Judge, RunFolder.Timing),
            new JsonObject { ["judge_duration_seconds"] = a.JudgeSeconds, ["measured_at"] = Judging.Now() });
    }

    /// <summary>
    /// <c>run_result.json</c> and the reports: built fresh when the agent ran in this attempt, updated with the new consensus
    /// when only judges ran, regenerated from the files on disk otherwise (formats.md §6.4's mapping).
    /// </summary>
    private static void WriteRunResults(RunAttempt a)
    {
        var runId = a.Run.RunId;
        if (a.Agent != null && a.Consensus != null)
        {
            RunResults.Write(a.RunDirectory, runId,
                RunResults.Build(a.RunDirectory, a.Run.RunNumber, a.Agent, a.AgentSeconds, a.JudgeSeconds, a.Consensus, a.Judges!));
            return;
        }

        var runResultPath = Path.Combine(a.RunDirectory, RunFolder.RunResult);
        if (a.Consensus != null && RunResults.ReadObject(runResultPath) is { } runResult)
        {
            // Unlike upstream, the per-judge list and the judge time follow the new consensus.
            var agentSeconds = runResult["agent_duration_seconds"]?.GetValue<double>() ?? 0;
            runResult["judge_score"] = a.Consensus.Score;
            runResult["judge_passed"] = a.Consensus.Passed;
            runResult["judge_grade"] = a.Consensus.Grade;
            runResult["judge_reasoning"] = a.Consensus.Reasoning;
            runResult["judges"] = RunResults.JudgesJson(a.Judges!);
            runResult["judge_duration_seconds"] = a.JudgeSeconds;
            runResult["duration_seconds"] = agentSeconds + a.JudgeSeconds;
            runResult["criteria_scores"] = a.Consensus.CriteriaScores?.DeepClone() ?? new JsonObject();
            RunResults.Write(a.RunDirectory, runId, runResult);
            return;
        }

        var regenerated = RunResults.Regenerate(a.RunDirectory, a.Run.RunNumber, a.Experiment.Config.JudgeModels);
        a.Consensus ??= new Judgment(regenerated["judge_score"]!.GetValue<double>(), regenerated["judge_passed"]!.GetValue<bool>(),
            regenerated["judge_grade"]!.ToString(), regenerated["judge_reasoning"]?.ToString() ?? string.Empty, true, null);
    }

    /// <summary>Removes the finished run's worktree, keeping its branch; a run without one (or without a repository) has none.</summary>
    private static void Release(RunAttempt a)
    {
        if (WorktreeRegistrations.IsLive(a.Workspace))
        {
            RepositorySession.Release(a.Workspace);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for each item, up to <paramref name="limit"/> at once (all when null), each on a thread
    /// of its own; when all have ended, the first failure is rethrown (a rate limit or a stop before any other).
    /// </summary>
    private static void ForEachAtOnce(IReadOnlyList<int> items, int? limit, Action<int> work)
    {
        var pending = new System.Collections.Concurrent.ConcurrentQueue<int>(items);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Math.Min(limit ?? items.Count, items.Count)).Select(_ => new Thread(() =>
        {
            while (pending.TryDequeue(out var item))
            {
                try
                {
                    work(item);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var failure = failures.FirstOrDefault(e => e is OperationCanceledException or RateLimitException) ?? failures.FirstOrDefault();
        if (failure != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static string ReadIfExists(string path) => File.Exists(path) ? SmallFile.ReadText(path) : string.Empty;
}
