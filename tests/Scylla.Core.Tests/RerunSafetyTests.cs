using System.Diagnostics;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests;

/// <summary>
/// The re-run engine's invariants on real experiments, repositories and processes: refusals touch nothing, failures of one
/// run stay that run's, outcomes agree with a fresh scan, and agents never outlive their owner.
/// </summary>
[Collection(GitCollection.Name)]
public sealed class RerunSafetyTests : IDisposable
{
    private static readonly string s_fakes = Path.Combine(Fixtures.RepositoryRoot, "examples", "fake-claude");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Each way a run is refused before its first write, and the error id it gives.</summary>
    public static TheoryData<string, string> Refusals() => new()
    {
        { "no base repository", "RepositoryNotFound" },
        { "checkpoint version 9.9", "UnsupportedCheckpointVersion" },
        { "no tier configuration", "TierConfigNotFound" },
        { "agent path typo", "AgentNotFound" },
        { "judge path typo", "JudgeNotFound" },
        { "no task prompt", "TaskPromptNotFound" },
        { "task commit not in the repository", "CommitNotFound" },
        { "a live runner in experiment.pid", "ExperimentBusy" },
        { "the run leased by another owner", "RunBusy" },
        { "the run is Completed", "RunAlreadyCompleted" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_run_refused_before_its_first_write_leaves_every_file_byte_identical(string fault, string errorId)
    {
        var path = NewExperiment(fault == "the run is Completed" ? RunStatus.Completed : RunStatus.Failed);
        var options = Options();
        var tierConfig = Path.Combine(path, SampleExperimentGenerator.TierConfigFolder);
        using var liveProcess = fault == "a live runner in experiment.pid" ? Process.Start("sleep", "60") : null;
        switch (fault)
        {
            case "no base repository": Directory.Delete(Path.Combine(path, "repo"), recursive: true); break;
            case "checkpoint version 9.9": Replace(Path.Combine(path, "checkpoint.json"), "\"version\": \"3.1\"", "\"version\": \"9.9\""); break;
            case "no tier configuration": tierConfig = null; Directory.Delete(Path.Combine(path, SampleExperimentGenerator.TierConfigFolder), true); break;
            case "agent path typo": options = options with { AgentPath = Path.Combine(s_fakes, "agnet.sh") }; break;
            case "judge path typo": options = options with { JudgePath = "no-such-judge-on-path" }; break;
            case "no task prompt": File.Delete(Path.Combine(path, "prompt.md")); break;
            case "task commit not in the repository": Replace(Path.Combine(path, "config", "experiment.json"), ExperimentConfig.Load(path).TaskCommit, new string('a', 40)); break;
            case "a live runner in experiment.pid": File.WriteAllText(Path.Combine(path, CheckpointHealth.PidFileName), liveProcess!.Id.ToString()); break;
        }

        using var heldLease = fault == "the run leased by another owner" ? RunLease.Acquire(Address(path)) : null;
        var before = TreeSnapshot.Of(path);

        var result = new Rerunner(options).Execute(Experiment.Open(path, tierConfig), Address(path), _ => { }, CancellationToken.None);
        liveProcess?.Kill();

        Assert.Equal((RerunOutcome.Skipped, errorId), (result.Outcome, result.ErrorId));
        Assert.Equal(before, TreeSnapshot.Of(path));
    }

    [Fact]
    public void A_missing_tier_configuration_is_one_refusal_per_experiment()
    {
        var path = NewExperiment(RunStatus.Failed, RunStatus.Failed, RunStatus.Failed);
        Directory.Delete(Path.Combine(path, SampleExperimentGenerator.TierConfigFolder), true);
        var experiment = Experiment.Open(path);
        var rerunner = new Rerunner(Options());

        var errors = Enumerable.Range(1, 3).Select(n => rerunner.Execute(experiment, Address(path, n), _ => { }, CancellationToken.None).Error).ToList();

        Assert.All(errors, e => Assert.Equal("TierConfigNotFound", e!.ErrorId));
        Assert.Single(errors.Select(e => e!.Message).Distinct());
    }

    [Theory]
    [InlineData("exit 127", "AgentFailed")]
    [InlineData("exit 1", "AgentFailed")]
    [InlineData("echo 'error: Failed to configure provider' >&2; exit 1", "RateLimited")]
    public void An_agent_that_fails_without_output_is_Failed_its_attempt_archived_and_the_next_scan_agrees(string script, string errorId)
    {
        var path = NewExperiment(RunStatus.Failed);
        var agent = Script("agent", $"if [ \"${{1:-}}\" = --version ]; then echo 1; exit 0; fi\n{script}\n");

        var result = new Rerunner(Options() with { AgentPath = agent }).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        var after = Fixtures.Scan(path, tierConfig: Path.Combine(path, SampleExperimentGenerator.TierConfigFolder)).Single();
        Assert.Equal(errorId, result.ErrorId);
        Assert.NotEqual(RerunOutcome.Succeeded, result.Outcome);
        Assert.Equal(after.Status, result.Status);
        Assert.NotEqual(RunStatus.Completed, after.Status);
        Assert.True(Directory.Exists(Path.Combine(path, "T0", "00", ".failed", "run_01_failed_1", "agent")), "the new attempt is archived beside the old one");
        Assert.Equal(errorId == "RateLimited" ? "rate_limited" : "failed", CheckpointStore.TryLoad(path)!.GetRunState("T0", "00", 1));
    }

    [Fact]
    public void Judges_that_all_fail_never_give_a_score_and_the_outcome_says_Failed()
    {
        var path = NewExperiment(RunStatus.Failed);
        var judge = Script("judge", "if [ \"${1:-}\" = --version ]; then echo 1; exit 0; fi\ncat >/dev/null; echo 'judge exploded' >&2; exit 2\n");

        var result = new Rerunner(Options() with { JudgePath = judge }).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        var after = Fixtures.Scan(path, tierConfig: Path.Combine(path, SampleExperimentGenerator.TierConfigFolder)).Single();
        Assert.Equal((RerunOutcome.Failed, "JudgesFailed"), (result.Outcome, result.ErrorId));
        Assert.Equal(after.Status, result.Status);
        Assert.Equal("Failed,Failed,Failed", after.JudgeSlots);
        Assert.False(File.Exists(Path.Combine(after.Path, "run_result.json")), "no consensus of failed judges is written as a verdict");
    }

    [Fact]
    public void A_held_checkpoint_lock_fails_only_that_experiments_run_and_touches_nothing_of_it()
    {
        var locked = NewExperiment(RunStatus.Failed);
        var free = NewExperiment(RunStatus.Failed);
        using var holder = Process.Start("flock", [Path.Combine(locked, CheckpointStore.LockFileName), "sleep", "30"]);
        WaitUntil(() => IsLocked(Path.Combine(locked, CheckpointStore.LockFileName)));
        var before = TreeSnapshot.Of(locked);
        var rerunner = new Rerunner(Options() with { CheckpointLockTimeout = TimeSpan.FromSeconds(1) });

        var failed = rerunner.Execute(Open(locked), Address(locked), _ => { }, CancellationToken.None);
        var succeeded = rerunner.Execute(Open(free), Address(free), _ => { }, CancellationToken.None);
        holder.Kill();

        Assert.Equal((RerunOutcome.Failed, "LockTimeout"), (failed.Outcome, failed.ErrorId));
        Assert.Equal(before, TreeSnapshot.Of(locked));
        Assert.Equal(RerunOutcome.Succeeded, succeeded.Outcome);
    }

    /// <summary>
    /// The folders' save is written while the workspace is made (docs/performance.md, "Checkpoint updates"); when it
    /// cannot be written, the run fails with its error before the agent starts.
    /// </summary>
    [Fact]
    public void A_save_that_fails_while_the_workspace_is_made_stops_the_run_before_its_agent()
    {
        var path = NewExperiment(RunStatus.Failed);
        var started = _temp.Combine("agent-started");
        var agent = Script("agent", $"if [ \"${{1:-}}\" = --version ]; then echo 1; exit 0; fi\ntouch {started}\n" +
            $"exec {Path.Combine(s_fakes, "agent.sh")} \"$@\"\n");
        var lockFile = Path.Combine(path, CheckpointStore.LockFileName);
        Process? holder = null;
        var options = Options() with { AgentPath = agent, CheckpointLockTimeout = TimeSpan.FromSeconds(1) };
        var rerunner = new Rerunner(options);

        // The lock is taken as the folders are made, after pending was saved and before the folders' save is queued.
        var result = rerunner.Execute(Open(path), Address(path), stage =>
        {
            if (stage == "create the run folders")
            {
                holder = Process.Start("flock", [lockFile, "sleep", "30"]);
                WaitUntil(() => IsLocked(lockFile));
            }
        }, CancellationToken.None);
        holder?.Kill();
        holder?.Dispose();

        Assert.Equal((RerunOutcome.Failed, "LockTimeout"), (result.Outcome, result.ErrorId));
        Assert.False(File.Exists(started), "no agent starts before the checkpoint took the run's states");
        Assert.Equal("pending", CheckpointStore.TryLoad(path)!.GetRunState("T0", "00", 1)); // and failed never could be
    }

    /// <summary>
    /// Slurm signals the agent and pwsh at once (docs/cluster.md, "Cancelling"): an agent ended by SIGTERM just before
    /// the run's own stop leaves an interrupted run, not a failed agent; without a stop it is a failed agent.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_agent_ended_by_SIGTERM_just_before_the_runs_stop_is_an_interrupted_run(bool stopFollows)
    {
        var path = NewExperiment(RunStatus.Failed);
        var agent = Script("sigterm", "if [ \"${1:-}\" = --version ]; then echo 1; exit 0; fi\nsleep 0.2; exit 143\n");
        using var stop = new CancellationTokenSource();

        var result = new Rerunner(Options() with { AgentPath = agent }).Execute(Open(path), Address(path), stage =>
        {
            if (stopFollows && stage == "run the agent")
            {
                stop.CancelAfter(TimeSpan.FromSeconds(1)); // after the agent's exit, within the 2 s grace
            }
        }, stop.Token);

        var archived = Directory.GetDirectories(Path.Combine(path, "T0", "00", ".failed"), "run_01_failed_*").Length;
        var state = CheckpointStore.TryLoad(path)!.GetRunState("T0", "00", 1);
        // a failed agent's attempt is archived; an interrupted one stays for the next re-run to archive
        Assert.Equal(stopFollows ? (RerunOutcome.Interrupted, "Interrupted", 0, "dir_structure_created")
            : (RerunOutcome.Failed, "AgentFailed", 1, "failed"), (result.Outcome, result.ErrorId, archived, state));
    }

    [Fact]
    public void A_stop_while_waiting_for_the_checkpoint_lock_interrupts_the_run_at_once()
    {
        var path = NewExperiment(RunStatus.Failed);
        using var holder = Process.Start("flock", [Path.Combine(path, CheckpointStore.LockFileName), "sleep", "60"]);
        WaitUntil(() => IsLocked(Path.Combine(path, CheckpointStore.LockFileName)));
        using var stop = new CancellationTokenSource();

        // The lock is held for a minute; a second into the wait for it, the run is stopped.
        var result = new Rerunner(Options()).Execute(Open(path), Address(path), _ => stop.CancelAfter(TimeSpan.FromSeconds(1)), stop.Token);
        holder.Kill();

        Assert.Equal((RerunOutcome.Interrupted, "Interrupted"), (result.Outcome, result.ErrorId));
    }

    [Fact]
    public void A_full_disk_fails_that_run_with_a_typed_error_and_the_batch_goes_on()
    {
        if (Environment.UserName != "root")
        {
            return; // mounting a small file system needs root; CI runs as root
        }

        var mount = _temp.Combine("small-disk");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount);
        try
        {
            var full = NewExperiment(mount, RunStatus.Failed);
            var other = NewExperiment(RunStatus.Failed);
            var filler = Script("filler", $"if [ \"${{1:-}}\" = --version ]; then echo 1; exit 0; fi\nhead -c 20000000 /dev/zero > \"$PWD/fill.bin\"\nexec {Path.Combine(s_fakes, "agent.sh")} \"$@\"\n");
            var rerunner = new Rerunner(Options() with { AgentPath = filler });

            var failed = rerunner.Execute(Open(full), Address(full), _ => { }, CancellationToken.None);
            var succeeded = new Rerunner(Options()).Execute(Open(other), Address(other), _ => { }, CancellationToken.None);

            Assert.Equal(RerunOutcome.Failed, failed.Outcome);
            Assert.Contains(failed.ErrorId, new[] { "RunFailed", "CheckpointWriteFailed" });
            Assert.Equal(RerunOutcome.Succeeded, succeeded.Outcome);
        }
        finally
        {
            Run("umount", "-l", mount);
        }
    }

    [Fact]
    public void A_stop_ends_every_process_group_even_those_that_ignore_SIGTERM()
    {
        var path = NewExperiment(RunStatus.Failed, RunStatus.Failed, RunStatus.Failed);
        var stubborn = Script("stubborn", "if [ \"${1:-}\" = --version ]; then echo 1; exit 0; fi\ntrap '' TERM\necho $$ >> \"$STUBBORN_PIDS\"\nwhile true; do sleep 0.2; done\n");
        var pids = _temp.Combine("pids");
        Environment.SetEnvironmentVariable("STUBBORN_PIDS", pids);
        try
        {
            var experiment = Open(path);
            var rerunner = new Rerunner(Options() with { AgentPath = stubborn });
            using var stop = new CancellationTokenSource();
            var results = new RerunResult[3];
            var workers = Enumerable.Range(0, 3).Select(k => new Thread(
                () => results[k] = rerunner.Execute(experiment, Address(path, k + 1), _ => { }, stop.Token))).ToList();
            workers.ForEach(w => w.Start());
            WaitUntil(() => File.Exists(pids) && File.ReadAllLines(pids).Length == 3);
            stop.Cancel();
            workers.ForEach(w => w.Join());

            Assert.All(results, r => Assert.Equal(RerunOutcome.Interrupted, r.Outcome));
            Assert.All(File.ReadAllLines(pids).Select(int.Parse), pid => Assert.False(IsRunning(pid)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("STUBBORN_PIDS", null);
        }
    }

    [Fact]
    public void A_judge_rate_limit_keeps_the_agents_work_and_the_next_rerun_resumes_at_the_judges()
    {
        var path = NewExperiment(RunStatus.Failed);
        var limited = Script("limited-judge", "if [ \"${1:-}\" = --version ]; then echo 1; exit 0; fi\ncat >/dev/null\n" +
            "echo '{\"type\":\"result\",\"is_error\":true,\"result\":\"Overloaded: rate limit, retry after 60 seconds\"}'; exit 1\n");

        var first = new Rerunner(Options() with { JudgePath = limited }).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);
        var agentOutput = File.ReadAllText(Path.Combine(path, "T0", "00", "run_01", "agent", "output.txt"));
        var second = new Rerunner(Options()).Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        Assert.Equal((RerunOutcome.RateLimited, "RateLimited"), (first.Outcome, first.ErrorId));
        Assert.Equal((RerunAction.ResumeJudges, RerunOutcome.Succeeded), (second.Action, second.Outcome));
        Assert.Equal(agentOutput, File.ReadAllText(Path.Combine(path, "T0", "00", "run_01", "agent", "output.txt")));
        Assert.True(Directory.Exists(Path.Combine(path, "T0", "00", ".failed", "run_01_judge_01")), "the limited judge's slot is archived");
    }

    [Theory]
    [InlineData(null, RerunOutcome.Succeeded)]
    [InlineData(1, RerunOutcome.Failed)]
    public void The_judges_of_a_run_run_at_once_unless_throttled(int? judgeThrottle, RerunOutcome outcome)
    {
        var path = NewExperiment(RunStatus.Failed);
        var sync = Directory.CreateDirectory(_temp.Combine("sync-" + judgeThrottle)).FullName;
        // Each judge waits (up to 5 s) until all three have started: judged one after another, the first gives up.
        var judge = Script("rendezvous", $"if [ \"${{1:-}}\" = --version ]; then echo 1; exit 0; fi\ntouch {sync}/$$\n" +
            $"for i in $(seq 1 50); do [ $(ls {sync} | wc -l) -ge 3 ] && exec {Path.Combine(s_fakes, "judge.sh")} \"$@\"; sleep 0.1; done\nexit 2\n");

        var result = new Rerunner(Options() with { JudgePath = judge, JudgeThrottleLimit = judgeThrottle })
            .Execute(Open(path), Address(path), _ => { }, CancellationToken.None);

        Assert.Equal(outcome, result.Outcome);
    }

    private string NewExperiment(params RunStatus[] runs) => NewExperiment(_temp.Path, runs);

    private static string NewExperiment(string parent, params RunStatus[] runs)
    {
        var path = Path.Combine(parent, "exp-" + Guid.NewGuid().ToString("N")[..6]);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = runs.Length, StatusPattern = runs, WithRepository = true,
        });
        return path;
    }

    private static Experiment Open(string path) => Experiment.Open(path, Path.Combine(path, SampleExperimentGenerator.TierConfigFolder));

    private static RunReference Address(string path, int run = 1) => new(path, "T0", "00", run);

    private static RerunOptions Options() => new()
    {
        AgentPath = Path.Combine(s_fakes, "agent.sh"),
        JudgePath = Path.Combine(s_fakes, "judge.sh"),
        JudgeSystemPromptPath = Path.Combine(s_fakes, "judge.sh"),
    };

    private string Script(string name, string body)
    {
        var path = _temp.Combine(name + ".sh");
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return path;
    }

    /// <summary>Running, not a zombie: a killed process stays listed until its new parent reaps it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Replace(string file, string from, string to)
    {
        var text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to));
    }

    private static bool IsLocked(string lockFile)
    {
        if (!File.Exists(lockFile))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for the test's own setup");
            Thread.Sleep(50);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(file, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
