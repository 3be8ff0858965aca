using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;

namespace Scylla.Core.Tests;

public class CheckpointTests
{
    private static JsonObject Reparse(Checkpoint checkpoint) => PythonJson.Parse(checkpoint.ToJson())!.AsObject();

    [Fact]
    public void V2_agent_complete_runs_become_agent_complete_states()
    {
        var checkpoint = Checkpoint.Parse("{\"version\": \"2.0\", \"completed_runs\": {\"T1\": {\"01\": {\"2\": \"agent_complete\"}}}}", "c.json");

        Assert.Equal("agent_complete", checkpoint.GetRunState("T1", "01", 2));
        Assert.Equal("agent_complete", checkpoint.GetRunStatus("T1", "01", 2));
    }

    [Fact]
    public void V30_run_states_are_renamed_and_other_states_untouched()
    {
        var checkpoint = Checkpoint.Parse(
            "{\"version\": \"3.0\", \"tier_states\": {\"T0\": \"config_loaded\"}, \"run_states\": {\"T0\": {\"00\": {\"1\": \"workspace_configured\", \"2\": \"agent_ready\", \"3\": \"judge_ready\", \"4\": \"run_complete\", \"5\": \"agent_complete\"}}}}",
            "c.json");

        Assert.Equal("config_committed", checkpoint.GetRunState("T0", "00", 1));
        Assert.Equal("replay_generated", checkpoint.GetRunState("T0", "00", 2));
        Assert.Equal("judge_prompt_built", checkpoint.GetRunState("T0", "00", 3));
        Assert.Equal("report_written", checkpoint.GetRunState("T0", "00", 4));
        Assert.Equal("agent_complete", checkpoint.GetRunState("T0", "00", 5));
        Assert.Equal("config_loaded", Reparse(checkpoint)["tier_states"]!["T0"]!.GetValue<string>());
    }

    [Fact]
    public void Jan_duplicate_run_keys_keep_the_last_value_and_are_written_once()
    {
        const string jan = "{\"version\": \"2.0\", \"completed_runs\": {\"T0\": {\"00\": {\"1\": \"failed\", \"2\": \"failed\", \"1\": \"passed\"}}}}";
        var checkpoint = Checkpoint.Parse(jan, "c.json");

        Assert.Equal("passed", checkpoint.GetRunStatus("T0", "00", 1));
        Assert.Equal(2, checkpoint.CompletedRuns.Count());
        using var written = System.Text.Json.JsonDocument.Parse(checkpoint.ToJson()); // JsonDocument keeps duplicate keys
        var runs = written.RootElement.GetProperty("completed_runs").GetProperty("T0").GetProperty("00").EnumerateObject();
        Assert.Equal(["1", "2"], runs.Select(p => p.Name).Order());
    }

    [Fact]
    public void Padded_run_keys_become_integers_in_file_order_like_python_int()
    {
        var checkpoint = Checkpoint.Parse("{\"version\": \"3.1\", \"completed_runs\": {\"T0\": {\"00\": {\"1\": \"passed\", \"01\": \"failed\"}}}}", "c.json");

        Assert.Equal("failed", checkpoint.GetRunStatus("T0", "00", 1));
        Assert.DoesNotContain("\"01\"", checkpoint.ToJson());
    }

    [Fact]
    public void V31_unknown_fields_are_kept_after_the_known_ones()
    {
        var checkpoint = Checkpoint.Parse("{\"version\": \"3.1\", \"future_field\": {\"x\": 1}, \"status\": \"running\"}", "c.json");
        var json = Reparse(checkpoint);

        Assert.Equal(1, json["future_field"]!["x"]!.GetValue<int>());
        Assert.Equal("future_field", json.Last().Key);
        Assert.Equal("initializing", json["experiment_state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}", "1.0")]
    [InlineData("{\"version\": \"1.0\"}", "1.0")]
    [InlineData("{\"version\": 3.1}", "3.1")]
    [InlineData("{\"version\": \"4.0\"}", "4.0")]
    public void Other_versions_are_refused_naming_the_supported_ones(string json, string version)
    {
        var error = Assert.Throws<ScyllaException>(() => Checkpoint.Parse(json, "/e/checkpoint.json"));

        Assert.Equal("UnsupportedCheckpointVersion", error.ErrorId);
        Assert.Contains($"Incompatible checkpoint version {version}", error.Message);
        Assert.Contains("\"2.0\", \"3.0\" and \"3.1\"", error.Message);
    }

    [Theory]
    [InlineData("{\"version\": \"3.1\", \"completed_runs\": {\"T0\": {\"00\": {\"one\": \"passed\"}}}}")]
    [InlineData("{\"version\": \"3.1\", \"completed_runs\": {\"T0\": 5}}")]
    [InlineData("{\"version\": \"3.1\", ")]
    public void Malformed_checkpoints_are_refused_as_invalid(string json) =>
        Assert.Equal("InvalidCheckpoint", Assert.Throws<ScyllaException>(() => Checkpoint.Parse(json, "c.json")).ErrorId);

    [Fact]
    public void The_invalid_status_completed_is_refused_with_upstreams_message()
    {
        var error = Assert.Throws<ScyllaException>(() => CompletedRunStatuses.Parse("completed"));

        Assert.Equal("Invalid status: completed. Must be 'passed', 'failed', or 'agent_complete'.", error.Message);
        Assert.Equal(CompletedRunStatus.AgentComplete, CompletedRunStatuses.Parse("agent_complete"));
    }

    [Fact]
    public void Marking_a_run_keeps_run_states_consistent()
    {
        var checkpoint = Checkpoint.Parse("{\"version\": \"3.1\", \"run_states\": {\"T1\": {\"01\": {\"3\": \"worktree_cleaned\"}}}}", "c.json");

        checkpoint.MarkRunCompleted("T1", "01", 1, CompletedRunStatus.Passed);
        checkpoint.MarkRunCompleted("T1", "01", 2, CompletedRunStatus.AgentComplete);
        checkpoint.MarkRunCompleted("T1", "01", 3, CompletedRunStatus.Failed);

        Assert.Equal(("passed", "report_written"), (checkpoint.GetRunStatus("T1", "01", 1), checkpoint.GetRunState("T1", "01", 1)));
        Assert.Equal(("agent_complete", "agent_complete"), (checkpoint.GetRunStatus("T1", "01", 2), checkpoint.GetRunState("T1", "01", 2)));
        Assert.Equal(("failed", "worktree_cleaned"), (checkpoint.GetRunStatus("T1", "01", 3), checkpoint.GetRunState("T1", "01", 3)));
    }

    [Fact]
    public void Clearing_a_run_sets_it_pending_and_reopens_its_subtest_and_tier()
    {
        using var temp = new TempDirectory();
        var path = CheckpointStore.PathFor(Fixtures.CompletedSample(temp));
        var checkpoint = Checkpoint.Parse(File.ReadAllText(path), path);

        checkpoint.ClearRun("T2", "01", 1);
        var json = Reparse(checkpoint);

        Assert.Null(checkpoint.GetRunStatus("T2", "01", 1));
        Assert.Equal("pending", checkpoint.GetRunState("T2", "01", 1));
        Assert.Equal("pending", json["subtest_states"]!["T2"]!["01"]!.GetValue<string>());
        Assert.Equal("pending", json["tier_states"]!["T2"]!.GetValue<string>());
        Assert.Equal("tiers_running", json["experiment_state"]!.GetValue<string>());
        Assert.Equal(6, checkpoint.CompletedRuns.Count());
    }

    [Fact]
    public void A_missing_checkpoint_of_a_current_experiment_is_created_as_31_with_the_head_hash()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.CompletedSample(temp);
        File.Delete(Path.Combine(experiment, "checkpoint.json"));
        var config = ExperimentConfig.Load(experiment);

        CheckpointStore.Update(experiment, config, c => c.MarkRunCompleted("T0", "00", 1, CompletedRunStatus.Failed));
        var json = PythonJson.Parse(File.ReadAllText(Path.Combine(experiment, "checkpoint.json")))!.AsObject();

        // The hash's value is checked on the real configuration in SharedFixtureTests.
        Assert.Equal(ConfigHash.ForHead(config), json["config_hash"]!.GetValue<string>());
        Assert.Equal("rerunning", json["status"]!.GetValue<string>());
        Assert.Equal("3.1", json["version"]!.GetValue<string>());
        Assert.Equal(experiment, json["experiment_dir"]!.GetValue<string>());
        Assert.Equal("failed", json["completed_runs"]!["T0"]!["00"]!["1"]!.GetValue<string>());
        Assert.Empty(Directory.GetFiles(experiment, "checkpoint.tmp.*.json"));
    }

    [Fact]
    public void Concurrent_updates_of_different_runs_lose_nothing()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.CompletedSample(temp);
        var config = ExperimentConfig.Load(experiment);

        Parallel.For(1, 101, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
            CheckpointStore.Update(experiment, config, c => c.MarkRunCompleted("T3", "02", n, CompletedRunStatus.Passed)));

        var reloaded = CheckpointStore.TryLoad(experiment)!;
        Assert.Equal(107, reloaded.CompletedRuns.Count());
        Assert.All(Enumerable.Range(1, 100), n => Assert.Equal("passed", reloaded.GetRunStatus("T3", "02", n)));
    }

    /// <summary>A re-run of a run already reset forgets nothing, so its first save writes nothing.</summary>
    [Fact]
    public void Clearing_a_cleared_run_leaves_the_file_as_it_was()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.CompletedSample(temp);
        var config = ExperimentConfig.Load(experiment);
        var path = CheckpointStore.PathFor(experiment);
        CheckpointStore.Update(experiment, config, c => c.ClearRun("T2", "01", 1));
        var (bytes, written) = (File.ReadAllBytes(path), File.GetLastWriteTimeUtc(path));
        Thread.Sleep(20);

        CheckpointStore.UpdateIfChanged(experiment, config, c =>
        {
            Assert.True(c.IsRunCleared("T2", "01", 1));
            Assert.False(c.IsRunCleared("T2", "01", 2)); // still passed: clearing it would change the file
            return false;
        });

        Assert.Equal(bytes, File.ReadAllBytes(path)); // a write would have stamped last_updated_at
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    /// <summary>
    /// The run listing of a process that saved the checkpoint last reads what it saved; once another writer replaced
    /// the file, it reads the file.
    /// </summary>
    [Fact]
    public void A_listing_after_this_process_saved_shows_the_file_as_another_writer_left_it()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.CompletedSample(temp);
        var config = ExperimentConfig.Load(experiment);
        var path = CheckpointStore.PathFor(experiment);
        CheckpointStore.Update(experiment, config, c => c.AdvanceRun("T2", "01", 1, "agent_complete"));
        Assert.Equal("agent_complete", Fixtures.Scan(experiment).Single(r => r.RunId == "T2/01/run_01").RunState);

        var replaced = PythonJson.Parse(File.ReadAllText(path))!.AsObject();
        replaced["run_states"]!["T2"]!["01"]!["1"] = "judge_prompt_built";
        File.WriteAllText(path + ".other", replaced.ToJsonString());
        File.Move(path + ".other", path, overwrite: true);

        Assert.Equal("judge_prompt_built", Fixtures.Scan(experiment).Single(r => r.RunId == "T2/01/run_01").RunState);
    }
}
