using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Runs;
using Scylla.Core.Samples;
using Scylla.Core.Workspaces;
using static Scylla.Core.Tests.GitExperiment;

namespace Scylla.Core.Tests;

/// <summary>
/// The workspace layer inside re-runs: the plan refuses before the first write, a run locks its repository once, and
/// the judges of a run whose worktree is gone read the agent's work from its branch (docs/format.md, "Workspaces").
/// </summary>
[Collection(GitCollection.Name)]
public sealed class WorkspaceLayerTests : IDisposable
{
    private static readonly string s_fakes = Path.Combine(Fixtures.RepositoryRoot, "examples", "fake-claude");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("bad instruction template", "InvalidInstructionTemplate")]
    [InlineData("missing subtest", "SubtestNotFound")]
    [InlineData("branch in use", "BranchInUse")]
    [InlineData("missing commit", "CommitNotFound")]
    [InlineData("T5 parents incomplete", "ParentTiersIncomplete")]
    public void A_refused_workspace_plan_leaves_the_experiment_byte_identical(string fault, string errorId)
    {
        var path = NewExperiment(ExperimentLayout.Flat, RunStatus.Failed, tiers: 6);
        var options = Options();
        var t5 = fault == "T5 parents incomplete";
        var address = new RunReference(path, t5 ? "T5" : "T0", t5 ? "01" : "00", 1);
        var repository = Path.Combine(path, "repo");
        switch (fault)
        {
            case "bad instruction template":
                var template = _temp.Combine("wording.json");
                File.WriteAllText(template, "{\"agents_plural\": 1}");
                options = options with { Workspace = new WorkspaceOptions { InstructionTemplatePath = template } };
                break;
            case "missing subtest":
                File.Delete(Path.Combine(TierConfig(path), "subtests", "t0", "00-sample.yaml"));
                break;
            case "branch in use":
                Git(repository, "worktree", "add", "-q", "-b", "T0_00_run_01", _temp.Combine("elsewhere"));
                break;
            case "missing commit":
                var config = Path.Combine(path, ExperimentConfig.RelativePath);
                Replace(config, ExperimentConfig.Load(path).TaskCommit, new string('a', 40));
                break;
        }

        var before = TreeSnapshot.Of(path);

        var result = new Rerunner(options).Execute(Open(path), address, _ => { }, CancellationToken.None);

        Assert.Equal((RerunOutcome.Skipped, errorId), (result.Outcome, result.ErrorId));
        Assert.Equal(before, TreeSnapshot.Of(path));
        Documentation.AssertDocumented(errorId);
    }

    [Theory]
    [InlineData(ExperimentLayout.Flat)]
    [InlineData(ExperimentLayout.Phase)]
    public void A_rerun_takes_the_repository_lock_once(ExperimentLayout layout)
    {
        var path = NewExperiment(layout, RunStatus.Failed);
        var lockFile = BaseRepository.Locate(Open(path)).LockPath;
        File.WriteAllText(lockFile, string.Empty); // inotify watches files that exist
        using var watch = new FileOpenWatch([lockFile]);

        var result = new Rerunner(Options()).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        Assert.Equal(RerunOutcome.Succeeded, result.Outcome);
        Assert.Single(watch.TakeOpened());
    }

    /// <summary>
    /// A run upstream finished, reset with <c>Reset-ScyllaRun -FromState judge_pipeline_run</c>: its judge prompt is
    /// kept, or (a run that stopped before its judges) there is none and the judges are shown the agent's commit on the
    /// branch.
    /// </summary>
    [Theory]
    [InlineData(ExperimentLayout.Flat, true)]
    [InlineData(ExperimentLayout.Phase, true)]
    [InlineData(ExperimentLayout.Flat, false)]
    [InlineData(ExperimentLayout.Phase, false)]
    public void A_judge_reset_of_a_run_whose_worktree_upstream_removed_completes_without_its_agent(
        ExperimentLayout layout, bool promptKept)
    {
        var path = NewExperiment(layout, RunStatus.Completed);
        var run = LeaveAsUpstreamDoes(path, layout);
        ResetToTheJudges(path, run);
        var prompt = Path.Combine(run, "judge_prompt.md");
        var promptBefore = File.ReadAllText(prompt);
        if (!promptKept)
        {
            File.Delete(prompt);
        }

        var agentBefore = TreeSnapshot.Of(Path.Combine(run, "agent"));

        var result = new Rerunner(Options()).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        var after = Fixtures.Scan(path, tierConfig: TierConfig(path)).Single();
        Assert.Equal((RerunAction.ResumeJudges, RerunOutcome.Succeeded, RunStatus.Completed),
            (result.Action, result.Outcome, after.Status));
        Assert.Equal(agentBefore, TreeSnapshot.Of(Path.Combine(run, "agent")));
        if (promptKept)
        {
            Assert.Equal(promptBefore, File.ReadAllText(prompt));
        }
        else
        {
            Assert.Contains("+print('from the branch')", File.ReadAllText(prompt));
        }
    }

    [Fact]
    public void A_run_whose_work_is_gone_goes_back_to_its_agent_and_says_why()
    {
        var path = NewExperiment(ExperimentLayout.Flat, RunStatus.Completed);
        var run = LeaveAsUpstreamDoes(path, ExperimentLayout.Flat);
        Git(Path.Combine(path, "repo"), "branch", "-D", "T0_00_run_01");
        ResetToTheJudges(path, run);
        File.Delete(Path.Combine(run, "judge_prompt.md"));
        var messages = new List<string>();

        var result = new Rerunner(Options()).Execute(Open(path), Address(path), messages.Add, CancellationToken.None);

        Assert.Equal((RerunAction.RerunAgent, RerunOutcome.Succeeded), (result.Action, result.Outcome));
        Assert.Contains(messages, m => m.Contains("the agent's work is gone", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(result.ArchivePath!, "agent", "output.txt")), "the old attempt's archive");
    }

    [Fact]
    public void Judge_only_on_a_run_whose_work_is_gone_is_refused_and_touches_nothing()
    {
        var path = NewExperiment(ExperimentLayout.Flat, RunStatus.Completed);
        var run = LeaveAsUpstreamDoes(path, ExperimentLayout.Flat);
        Git(Path.Combine(path, "repo"), "branch", "-D", "T0_00_run_01");
        File.Delete(Path.Combine(run, "judge_prompt.md"));
        JudgeResultArchive.ArchiveSlots(run, [1]);
        var before = TreeSnapshot.Of(path);

        var rerunner = new Rerunner(Options() with { JudgeOnly = true });
        var result = rerunner.Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        Assert.Equal((RerunOutcome.Skipped, "AgentWorkLost"), (result.Outcome, result.ErrorId));
        Assert.Equal(before, TreeSnapshot.Of(path));
        Documentation.AssertDocumented("AgentWorkLost");
    }

    /// <summary>
    /// The dry run names what the re-run then does with a run resumed at its judges whose worktree is gone: judged from
    /// its branch while the agent's commit is its tip; once the branch is deleted or moved on, its agent runs again
    /// (plain) or it is refused (-JudgeOnly); without a base repository, refused as the re-run refuses it. The calls
    /// and the cost estimate (T1's Completed run: 0.12 USD an agent call) follow the action.
    /// </summary>
    [Theory]
    [InlineData(false, "kept", "ResumeJudges", 0, 3)]
    [InlineData(false, "deleted", "RerunAgent", 1, 3)]
    [InlineData(false, "moved", "RerunAgent", 1, 3)]
    [InlineData(false, "no repository", "RepositoryNotFound", 0, 0)]
    [InlineData(true, "kept", "RerunJudges", 0, 1)]
    [InlineData(true, "deleted", "AgentWorkLost", 0, 0)]
    [InlineData(true, "moved", "AgentWorkLost", 0, 0)]
    public void The_plan_names_what_the_re_run_does_with_a_run_whose_worktree_is_gone(
        bool judgeOnly, string branch, string expected, int agentCalls, int judgeCalls)
    {
        var path = NewExperiment(ExperimentLayout.Flat, RunStatus.Completed, tiers: 2);
        var run = LeaveAsUpstreamDoes(path, ExperimentLayout.Flat);
        var repository = Path.Combine(path, "repo");
        var options = Options() with { JudgeOnly = judgeOnly };
        switch (branch)
        {
            case "deleted":
                Git(repository, "branch", "-D", "T0_00_run_01");
                break;
            case "moved":
                Git(repository, "branch", "-f", "T0_00_run_01", Open(path).Config.TaskCommit);
                break;
            case "no repository":
                options = options with { Workspace = new WorkspaceOptions { RepositoryPath = _temp.Combine("none") } };
                break;
        }

        if (judgeOnly)
        {
            JudgeResultArchive.ArchiveSlots(run, [1]);
        }
        else
        {
            ResetToTheJudges(path, run);
        }

        File.Delete(Path.Combine(run, "judge_prompt.md"));
        var selection = new RerunSelection();
        selection.Add("T0", "00", 1);

        var planned = RerunPlanner.Build(Open(path), selection, judgeOnly, _ => { }, options.Workspace)
            .PlannedRuns.Single();
        var result = new Rerunner(options).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        Assert.Equal(expected, planned.Action?.ToString() ?? planned.Refusal!.ErrorId);
        Assert.Equal((planned.Action, planned.Refusal?.ErrorId),
            (result.Action, result.Outcome == RerunOutcome.Skipped ? result.ErrorId : null));
        Assert.Equal(planned.Refusal == null ? RerunOutcome.Succeeded : RerunOutcome.Skipped, result.Outcome);
        Assert.Equal((agentCalls, judgeCalls), (planned.AgentCalls, planned.JudgeCalls));
        Assert.Equal(planned.Refusal == null ? 0.12 * agentCalls : null, planned.CostUsd?.Mean);
    }

    [Theory]
    [InlineData("T3", "01")]
    [InlineData("T0", "00")]
    public void The_git_command_line_and_libgit2_make_the_same_workspace(string tier, string subtest)
    {
        var e = Create(_temp);

        var cli = WorkspaceManager.Create(e.Open(), tier, subtest, 1, new WorkspaceOptions());
        var libgit2 = WorkspaceManager.Create(e.Open(), tier, subtest, 2, new WorkspaceOptions { UseGitCli = false });

        string[] Describe(ScyllaWorkspace w) =>
        [
            Git(w.Path, "ls-tree", "-r", "HEAD"), Git(w.Path, "status", "--porcelain"),
            Git(w.Path, "log", "--format=%T %s %an <%ae>"), w.IsDirty.ToString()!,
        ];
        Assert.Equal(Describe(libgit2), Describe(cli));
        Assert.Equal(e.TaskCommit, Git(cli.Path, "rev-parse", "HEAD~1"));
    }

    /// <summary>
    /// Makes the run's workspace what the Python runner leaves: a worktree on the run's branch with the agent's commit,
    /// removed at the end (flat); in the phase layout moved to completed/ and left there, its registration pruned.
    /// </summary>
    private string LeaveAsUpstreamDoes(string path, ExperimentLayout layout)
    {
        var experiment = Open(path);
        var run = experiment.LocateRun("T0", "00", 1).Path;
        var repository = Path.Combine(path, "repo");
        var worktree = layout == ExperimentLayout.Flat
            ? Path.Combine(run, "workspace")
            : _temp.Combine("in_progress", "workspace");
        Directory.Delete(Path.Combine(run, "workspace"), recursive: true);
        Git(repository, "worktree", "add", "-q", "-b", "T0_00_run_01", worktree, experiment.Config.TaskCommit);
        File.WriteAllText(Path.Combine(worktree, "hello.py"), "print('from the branch')\n");
        Git(worktree, "add", "-A");
        Git(worktree, "-c", "user.name=Py", "-c", "user.email=py@example.invalid", "commit", "-q", "-m",
            RepositorySession.AgentChangesCommitMessage);
        if (layout == ExperimentLayout.Flat)
        {
            Git(repository, "worktree", "remove", "--force", worktree);
        }
        else
        {
            Directory.Move(worktree, Path.Combine(run, "workspace"));
            Git(repository, "worktree", "prune");
        }

        return run;
    }

    /// <summary>What <c>Reset-ScyllaRun -FromState judge_pipeline_run</c> does to the run.</summary>
    private static void ResetToTheJudges(string path, string run)
    {
        JudgeResultArchive.Archive(run, [1, 2, 3]);
        var experiment = Open(path);
        CheckpointStore.Update(path, experiment.Config,
            c => CheckpointReset.ApplyRun(c, "T0", "00", 1, judgeStage: true));
    }

    private string NewExperiment(ExperimentLayout layout, RunStatus status, int tiers = 1)
    {
        var path = _temp.Combine("exp-" + Guid.NewGuid().ToString("N")[..6]);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path, Layout = layout, TierCount = tiers, SubtestsPerTier = 1, RunsPerSubtest = 1,
            StatusPattern = [status], WithRepository = true,
        });
        return path;
    }

    private static Experiment Open(string path) => Experiment.Open(path, TierConfig(path));

    private static string TierConfig(string path) => Path.Combine(path, SampleExperimentGenerator.TierConfigFolder);

    private static RunReference Address(string path) => new(path, "T0", "00", 1);

    private static RerunOptions Options() => new()
    {
        AgentPath = Path.Combine(s_fakes, "agent.sh"),
        JudgePath = Path.Combine(s_fakes, "judge.sh"),
        JudgeSystemPromptPath = Path.Combine(s_fakes, "judge.sh"),
    };

    private static void Replace(string file, string from, string to)
    {
        var text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to));
    }
}
