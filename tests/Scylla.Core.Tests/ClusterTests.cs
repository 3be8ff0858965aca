using System.Text.Json.Nodes;
using Scylla.Core;
using Scylla.Core.Cluster;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>
/// The Slurm submission without Slurm: sbatch and squeue are stand-in scripts that log their arguments, so the plan,
/// the batch scripts and the arguments are checked as files and real processes (the real Slurm runs in
/// tests/pester/Slurm.Tests.ps1).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void T5_runs_form_a_second_array_after_the_first_and_the_results_job_waits_for_both()
    {
        var (submission, sbatchLog) = Submission(_temp.Combine("exp"), ("T5", 1), ("T0", 1), ("T5", 2), ("T1", 1));

        var jobs = submission.Submit();

        Assert.Equal(["T0/00/run_01", "T1/00/run_01"], jobs[0].Runs);
        Assert.Equal(["T5/00/run_01", "T5/00/run_02"], jobs[1].Runs);
        Assert.Equal([SlurmJobKind.Runs, SlurmJobKind.Runs, SlurmJobKind.Results], jobs.Select(j => j.Kind));
        Assert.Equal(["101", "102", "103"], jobs.Select(j => j.JobId));
        var calls = File.ReadAllLines(sbatchLog);
        Assert.Contains("--array=0-1%3", calls[0]);
        Assert.DoesNotContain("--dependency", calls[0]);
        Assert.Contains("--array=2-3%3 --licenses=claude_team:1", calls[1]);
        Assert.Contains("--dependency=afterany:101", calls[1]);
        Assert.Contains("--dependency=afterany:101:102", calls[2]);
        Assert.EndsWith("results.sh", calls[2]);
        Assert.All(calls, c => Assert.Contains("--partition=gpu --time=1:00:00 --account=lab", c));
        Assert.All(calls.Take(2), c => Assert.EndsWith("--qos=low " + submission.ArrayScriptPath, c));
    }

    [Fact]
    public void The_plan_records_runs_in_task_order_parameters_and_job_ids_for_its_owner_only()
    {
        var (submission, _) = Submission(_temp.Combine("exp"), ("T5", 1), ("T0", 2));

        var jobs = submission.Submit();

        var plan = ArrayPlan.Read(jobs[0].PlanPath);
        Assert.Equal(["T0/00/run_02", "T5/00/run_01"], plan.Runs.Select(r => r.RunId));
        Assert.Equal("/opt/agent", (string)plan.RerunParameters["AgentPath"]!);
        Assert.Equal(jobs.Select(Recorded), plan.Jobs.Select(Recorded));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(plan.PlanPath));
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(plan.Folder));
        Assert.True(File.GetUnixFileMode(submission.ArrayScriptPath).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void The_batch_script_hands_pwsh_the_plan_path_intact_whatever_characters_it_holds()
    {
        var experiment = _temp.Combine("it's an exp $HOME `x`");
        var (submission, _) = Submission(experiment, ("T0", 1));
        submission.Submit();

        // The stand-in pwsh is printf: running the script prints the arguments pwsh would get, one per line.
        var output = Run("bash", submission.ArrayScriptPath);

        var taskScript = Path.Combine("/opt/scylla", SlurmSubmission.TaskScriptName);
        Assert.Equal(
            ["-NoProfile", "-NonInteractive", "-File", taskScript, "-PlanPath", submission.Plan.PlanPath], output);
    }

    [Fact]
    public void A_refused_submission_is_SbatchFailed_with_sbatchs_message_and_no_sbatch_is_SlurmNotFound()
    {
        var refusing = Script("sbatch-refuses", "echo 'sbatch: error: invalid partition specified: nope' >&2; exit 1");
        var (submission, _) = Submission(_temp.Combine("exp"), [("T0", 1)], refusing);
        var error = Assert.Throws<ScyllaException>(() => submission.Submit());
        Assert.Equal("SbatchFailed", error.ErrorId);
        Assert.Contains("invalid partition specified: nope", error.Message);
        Assert.Empty(ArrayPlan.Read(submission.Plan.PlanPath).Jobs);

        var (missing, _) = Submission(_temp.Combine("exp2"), [("T0", 1)], _temp.Combine("no-such-sbatch"));
        Assert.Equal("SlurmNotFound", Assert.Throws<ScyllaException>(() => missing.Submit()).ErrorId);
    }

    [Fact]
    public void A_shared_pause_is_only_ever_extended_and_a_reset_too_far_away_records_nothing()
    {
        var experiment = Directory.CreateDirectory(_temp.Combine("exp")).FullName;
        // Whole seconds: the record keeps microseconds.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var longest = TimeSpan.FromHours(1);

        Assert.Equal(TimeSpan.Zero, SharedRateLimitPause.Remaining(experiment, now));
        Assert.False(SharedRateLimitPause.Extend(experiment, now.AddHours(2), now, longest, "agent"));
        Assert.False(File.Exists(SharedRateLimitPause.PathFor(experiment)));
        Assert.True(SharedRateLimitPause.Extend(experiment, now.AddMinutes(10), now, longest, "agent"));
        Assert.True(SharedRateLimitPause.Extend(experiment, now.AddMinutes(5), now, longest, "judge"));
        Assert.Equal(TimeSpan.FromMinutes(10), SharedRateLimitPause.Remaining(experiment, now));
        var record = JsonNode.Parse(File.ReadAllText(SharedRateLimitPause.PathFor(experiment)))!;
        Assert.Equal("agent", (string)record["source"]!);
        Assert.Equal(TimeSpan.Zero, SharedRateLimitPause.Remaining(experiment, now.AddMinutes(11)));

        var other = Directory.CreateDirectory(_temp.Combine("other")).FullName;
        Assert.True(SharedRateLimitPause.Extend(other, null, now, longest, "agent"));
        Assert.Equal(SharedRateLimitPause.UnknownResetWait, SharedRateLimitPause.Remaining(other, now));
    }

    [Fact]
    public void Live_submissions_show_their_runs_as_submitted_or_running_until_they_end()
    {
        var experiment = _temp.Combine("exp");
        var (submission, _) = Submission(experiment, ("T0", 1), ("T0", 2), ("T0", 3));
        var jobs = submission.Submit();
        var folder = submission.Plan.Folder;
        var queue = Script("squeue", "echo 101; echo 103");
        ArrayTaskRecord.Started(folder, 0, "101_0");
        ArrayTaskRecord.Started(folder, 1, "101_1");
        ArrayTaskRecord.Ended(folder, 1, "101_1", "Succeeded");

        var tasks = ClusterActivity.Read(experiment, queue);

        var running = new ClusterTask("T0/00/run_01", "101_0", ClusterTaskState.Running, Environment.MachineName);
        Assert.Equal(running, tasks["T0/00/run_01"]);
        Assert.Equal(new ClusterTask("T0/00/run_03", "101_2", ClusterTaskState.Submitted, null), tasks["T0/00/run_03"]);
        Assert.Equal(2, tasks.Count);
        Assert.Empty(ClusterActivity.Read(experiment, Script("squeue-empty", "exit 0")));
        ArrayTaskRecord.Finished(folder);
        Assert.Empty(ClusterActivity.Read(experiment, queue));
        Assert.Equal("101", jobs[0].JobId);
    }

    private static (string, SlurmJobKind, int, int) Recorded(SlurmJob job) =>
        (job.JobId, job.Kind, job.FirstTask, job.ArraySize);

    private (SlurmSubmission Submission, string SbatchLog) Submission(
        string experiment, params (string Tier, int Run)[] runs) => Submission(experiment, runs, null);

    private (SlurmSubmission Submission, string SbatchLog) Submission(
        string experiment, (string Tier, int Run)[] runs, string? sbatch)
    {
        Directory.CreateDirectory(experiment);
        var log = _temp.Combine($"sbatch-{Guid.NewGuid():N}.log");
        var counter = _temp.Combine($"job-{Guid.NewGuid():N}");
        // Logs its arguments and answers as sbatch --parsable does, with job ids from 101 on.
        sbatch ??= Script($"sbatch-{Guid.NewGuid():N}",
            $"echo \"$*\" >> '{log}'\n" +
            $"n=$(( $(cat '{counter}' 2>/dev/null || echo 100) + 1 )); echo $n > '{counter}'; echo \"$n;cluster\"");
        var plan = new ArrayPlan
        {
            SubmissionId = ArrayPlan.NewSubmissionId(DateTimeOffset.UtcNow),
            ExperimentPath = experiment,
            ModulePath = "/opt/scylla/Scylla.psd1",
            Runs = runs.Select(r => new RunReference(experiment, r.Tier, "00", r.Run)).ToList(),
            RerunParameters = new JsonObject { ["AgentPath"] = "/opt/agent" },
        };
        var settings = new SlurmSettings
        {
            Throttle = 3,
            Partition = "gpu",
            TimeLimit = "1:00:00",
            Account = "lab",
            Licenses = ["claude_team:1"],
            ExtraArguments = ["--qos=low"],
            PwshCommand = ["/usr/bin/printf", "%s\\n"],
            Sbatch = sbatch,
        };
        return (new SlurmSubmission(plan, settings), log);
    }

    private string Script(string name, string body)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string[] Run(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
