using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>
/// The checkpoint beside ProjectScylla's tools of January, May and August 2026 (docs/checkpoints.md, "Saving and
/// reading"): their saves simulated step by step as their code does them, their files written in their shapes.
/// </summary>
public class CheckpointEraTests
{
    private static string Primary(string experiment) => CheckpointStore.PathFor(experiment);

    private static string Backup(string experiment) => Path.Combine(experiment, CheckpointStore.BackupFileName);

    private static JsonObject ReadJson(string path) => PythonJson.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>
    /// The August-era <c>save_checkpoint</c>: json.dump to <c>checkpoint.tmp.PID.TID.json</c>, rename the primary to
    /// <c>checkpoint.json.bak</c>, rename the temp file to the primary; <paramref name="between"/> runs in the gap.
    /// </summary>
    private static void AugustSave(string experiment, JsonObject data, Action? between = null)
    {
        var temp = Path.Combine(experiment,
            $"checkpoint.tmp.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.json");
        File.WriteAllText(temp, PythonJson.Serialize(data));
        if (File.Exists(Primary(experiment)))
        {
            File.Move(Primary(experiment), Backup(experiment), overwrite: true);
        }

        between?.Invoke();
        File.Move(temp, Primary(experiment), overwrite: true);
    }

    private static JsonObject WithRun(JsonObject data, string subtest, string state, string? status)
    {
        var copy = data.DeepClone().AsObject();
        ((JsonObject)((JsonObject)copy["run_states"]!)["T0"]!)[subtest] = new JsonObject { ["1"] = state };
        if (status != null)
        {
            ((JsonObject)((JsonObject)copy["completed_runs"]!)["T0"]!)[subtest] = new JsonObject { ["1"] = status };
        }

        return copy;
    }

    [Fact]
    public void After_an_august_save_each_of_our_saves_rolls_the_backup_as_the_august_tool_does()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 3);
        AugustSave(experiment, ReadJson(Primary(experiment)));
        var beforeFirst = File.ReadAllBytes(Primary(experiment));

        CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused"));
        var afterFirst = File.ReadAllBytes(Primary(experiment));
        Assert.Equal(beforeFirst, File.ReadAllBytes(Backup(experiment)));

        CheckpointResetTests.Save(experiment, c => c.SetField("status", "interrupted"));
        Assert.Equal(afterFirst, File.ReadAllBytes(Backup(experiment)));
        Assert.Equal("interrupted", ReadJson(Primary(experiment))["status"]!.GetValue<string>());
        Assert.Equal("paused", ReadJson(Backup(experiment))["status"]!.GetValue<string>());
    }

    [Fact]
    public void Without_a_backup_our_saves_make_none()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);

        CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused"));

        Assert.False(File.Exists(Backup(experiment)));
        Assert.Empty(Directory.GetFiles(experiment, "checkpoint.tmp.*"));
    }

    [Fact]
    public void An_unreadable_primary_is_read_from_the_backup_with_a_warning_and_kept_aside_by_the_next_save()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var good = ReadJson(Primary(experiment));
        AugustSave(experiment, WithRun(good, "00", "worktree_cleaned", "failed"));
        File.WriteAllText(Primary(experiment), "{\"version\": \"3.1\", \"completed_runs\": {\"T0\": {\"0");
        var backupBefore = File.ReadAllBytes(Backup(experiment));

        var loaded = CheckpointStore.TryLoad(experiment)!;
        var issues = new List<ScanIssue>();
        var scanned = Fixtures.Scan(experiment, issues: issues);

        Assert.Contains("checkpoint.json.bak", loaded.LoadWarning, StringComparison.Ordinal);
        var goodStatus = good["completed_runs"]!["T0"]!["00"]!["1"]!.GetValue<string>();
        Assert.Equal(goodStatus, loaded.GetRunStatus("T0", "00", 1));
        Assert.Contains(issues, i => i.Message.Contains("checkpoint.json.bak", StringComparison.Ordinal));
        Assert.Equal(loaded.GetRunStatus("T0", "00", 1), scanned.Single(r => r.RunNumber == 1).CheckpointStatus);

        CheckpointResetTests.Save(experiment, c => c.SetField("status", "interrupted"));

        Assert.Equal("interrupted", ReadJson(Primary(experiment))["status"]!.GetValue<string>());
        Assert.Equal(backupBefore, File.ReadAllBytes(Backup(experiment)));
        var aside = Assert.Single(Directory.GetFiles(experiment, "checkpoint.json.unreadable.*"));
        Assert.EndsWith("{\"0", File.ReadAllText(aside), StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_in_the_gap_of_an_august_save_waits_for_the_new_primary()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var data = ReadJson(Primary(experiment));
        Checkpoint? readInGap = null;
        Thread? reader = null;

        AugustSave(experiment, WithRun(data, "07", "agent_complete", "agent_complete"), () =>
        {
            reader = new Thread(() => readInGap = CheckpointStore.TryLoad(experiment));
            reader.Start();
            Thread.Sleep(300); // the primary is missing for 300 ms
        });
        reader!.Join();

        Assert.NotNull(readInGap);
        Assert.Null(readInGap!.LoadWarning);
        Assert.Equal("agent_complete", readInGap.GetRunStatus("T0", "07", 1));
    }

    [Fact]
    public void An_update_in_the_gap_of_an_august_save_starts_from_the_new_primary_and_never_from_scratch()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var data = ReadJson(Primary(experiment));
        Thread? writer = null;

        AugustSave(experiment, WithRun(data, "07", "agent_complete", "agent_complete"), () =>
        {
            writer = new Thread(() => CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused")));
            writer.Start();
            Thread.Sleep(300);
        });
        writer!.Join();

        var after = CheckpointResetTests.Load(experiment);
        Assert.Equal("paused", after.Status);
        Assert.Equal("agent_complete", after.GetRunStatus("T0", "07", 1));
        Assert.Equal(data["completed_runs"]!["T0"]!["00"]!["2"]!.GetValue<string>(), after.GetRunStatus("T0", "00", 2));
    }

    [Fact]
    public void A_save_that_never_finished_is_read_from_its_backup_with_a_warning()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var before = File.ReadAllText(Primary(experiment));
        File.Move(Primary(experiment), Backup(experiment)); // the August save died between its two renames

        var loaded = CheckpointStore.TryLoad(experiment)!;

        Assert.Contains("is missing", loaded.LoadWarning, StringComparison.Ordinal);
        Assert.Equal(ReadJson(Backup(experiment))["config_hash"]!.GetValue<string>(), loaded.ConfigHash);
        CheckpointResetTests.Save(experiment, c => c.SetField("status", "interrupted"));
        Assert.Equal(before, File.ReadAllText(Backup(experiment)));
        Assert.Equal(loaded.ExperimentId, CheckpointResetTests.Load(experiment).ExperimentId);
    }

    [Fact]
    public void A_fresh_temp_file_beside_a_missing_primary_refuses_an_update_instead_of_a_new_checkpoint()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        File.Move(Primary(experiment), Path.Combine(experiment, "checkpoint.tmp.4242.json")); // a first save under way

        var error = Assert.Throws<ScyllaException>(() =>
            CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused")));

        Assert.Equal("CheckpointSaveInProgress", error.ErrorId);
        Documentation.AssertDocumented(error.ErrorId);
        Assert.False(File.Exists(Primary(experiment)));
    }

    [Fact]
    public void A_stale_temp_file_left_by_a_crash_does_not_stop_a_new_checkpoint()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var stale = Path.Combine(experiment, "checkpoint.tmp.4242.json");
        File.Move(Primary(experiment), stale);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));

        CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused"));

        Assert.Equal("paused", CheckpointResetTests.Load(experiment).Status);
    }

    [Fact]
    public void A_file_replaced_by_another_tool_between_our_updates_is_read_again()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 2, runs: 2);
        CheckpointResetTests.Save(experiment, c => c.SetField("status", "paused"));

        // The May-era save: json.dump to a temp file, os.replace over the primary.
        var theirs = WithRun(ReadJson(Primary(experiment)), "09", "replay_generated", null);
        var mayTemp = Path.Combine(experiment, "checkpoint.tmp.777.json");
        File.WriteAllText(mayTemp, PythonJson.Serialize(theirs));
        File.Move(mayTemp, Primary(experiment), overwrite: true);
        var listed = RunScanner.ReadRun(Experiment.Open(experiment), "T0", "09", 1, _ => { });
        Assert.Equal("replay_generated", listed.RunState);

        CheckpointResetTests.Save(experiment, c => c.AdvanceRun("T0", "01", 1, "failed"));

        var after = CheckpointResetTests.Load(experiment);
        Assert.Equal("replay_generated", after.GetRunState("T0", "09", 1));
        Assert.Equal("failed", after.GetRunState("T0", "01", 1));
        Assert.Equal("paused", after.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Updates_write_the_same_bytes_as_a_whole_serialisation_in_either_version(bool january)
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(
            temp, [RunStatus.Completed, RunStatus.Results], tiers: 2, subtests: 3, runs: 3);
        if (january)
        {
            CheckpointFormatTests.MakeVersion20(experiment);
        }

        CheckpointResetTests.Save(experiment, c => c.ClearRun("T0", "00", 1));
        CheckpointResetTests.Save(experiment, c => c.AdvanceRun("T1", "new", 4, "agent_complete"));
        CheckpointResetTests.Save(experiment, c => c.SetRunEntry("T0", "01", 2, null, null));
        CheckpointResetTests.Save(experiment, c => c.MarkRunCompleted("T0", "00", 1, CompletedRunStatus.Failed));

        var written = ReadJson(Primary(experiment));
        Assert.Equal(PythonJson.Serialize(written), File.ReadAllText(Primary(experiment)));
        Assert.Equal(january ? "2.0" : "3.1", written["version"]!.GetValue<string>());
        Assert.Equal("failed", written["completed_runs"]!["T0"]!["00"]!["1"]!.GetValue<string>());
        Assert.Equal("report_written", written["run_states"]!["T0"]!["00"]!["1"]!.GetValue<string>());
        Assert.Equal("agent_complete", written["completed_runs"]!["T1"]!["new"]!["4"]!.GetValue<string>());
        Assert.Equal("pending", written["subtest_states"]!["T0"]!["00"]!.GetValue<string>());
        Assert.Null(written["run_states"]!["T0"]!["01"]!["2"]);
    }

    [Fact]
    public void The_january_hash_is_over_the_model_names_as_written()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var configPath = Path.Combine(experiment, ExperimentConfig.RelativePath);

        // A January-era experiment.json (its to_dict, with parallel_subtests) naming models by alias.
        File.WriteAllText(configPath, """
            {
              "experiment_id": "jan-exp",
              "task_repo": "https://github.com/example/task",
              "task_commit": "abc123",
              "task_prompt_file": "prompt.md",
              "language": "python",
              "models": ["sonnet"],
              "runs_per_subtest": 2,
              "tiers_to_run": ["T0"],
              "judge_models": ["opus", "sonnet"],
              "parallel_subtests": 4,
              "timeout_seconds": 3600,
              "max_turns": null,
              "max_subtests": null,
              "thinking_mode": "None",
              "use_containers": false
            }
            """);

        // January's compute_config_hash: json.dumps(to_dict() without parallel_subtests and max_subtests,
        // sort_keys=True), written out here as Python prints it.
        const string januaryInput =
            """{"experiment_id": "jan-exp", "judge_models": ["opus", "sonnet"], "language": "python","""
            + """ "max_turns": null, "models": ["sonnet"], "runs_per_subtest": 2, "task_commit": "abc123","""
            + """ "task_prompt_file": "prompt.md", "task_repo": "https://github.com/example/task","""
            + """ "thinking_mode": "None", "tiers_to_run": ["T0"], "timeout_seconds": 3600, "use_containers": false}""";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(januaryInput));
        var expected = Convert.ToHexString(digest).ToLowerInvariant()[..16];
        var config = ExperimentConfig.Load(experiment);

        Assert.Equal("a11505e7903504f9", expected);
        Assert.Equal(expected, ConfigHash.ForJan(config));
        Assert.Equal("January", ConfigHash.MatchingEra(config, expected));
        Assert.Equal(expected, Checkpoint.CreateNew(config, experiment).ConfigHash);
    }

    [Fact]
    public void The_checkpoint_summary_counts_add_up_to_the_runs_it_names()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 4);
        CheckpointResetTests.Save(experiment, c =>
        {
            c.SetRunEntry("T0", "00", 2, RunStates.RateLimited, null);
            c.SetRunEntry("T0", "00", 3, "replay_generated", null);
            c.SetRunEntry("T0", "00", 4, RunStates.AgentComplete, "agent_complete");
        });

        var summary = CheckpointSummary.From(CheckpointResetTests.Load(experiment), experiment);

        Assert.Equal((1, 1, 4), (summary.RateLimited, summary.NotDone, summary.Runs));
        Assert.Equal(summary.Runs,
            summary.Passed + summary.Failed + summary.AgentComplete + summary.RateLimited + summary.NotDone);
    }
}
