using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>
/// Keeping the version a checkpoint was found in, and the config-drift check (docs/checkpoints.md). What the Python
/// loaders of both eras accept was checked against them once; these tests hold those facts without Python.
/// </summary>
public class CheckpointFormatTests
{
    /// <summary>January-era <c>to_dict</c> keys, in its order; its <c>from_dict</c> reads only these and ignores the rest.</summary>
    private static readonly string[] s_januaryKeys =
        ["version", "experiment_id", "experiment_dir", "config_hash", "completed_runs", "started_at", "last_updated_at", "status", "rate_limit_source", "rate_limit_until", "pause_count", "pid"];

    /// <summary>Rewrites a generated experiment's checkpoint as the January-era tools write it.</summary>
    internal static void MakeVersion20(string experiment)
    {
        var path = CheckpointStore.PathFor(experiment);
        var current = PythonJson.Parse(File.ReadAllText(path))!.AsObject();
        var january = new JsonObject();
        foreach (var key in s_januaryKeys)
        {
            january[key] = current[key]?.DeepClone();
        }

        january["version"] = "2.0";
        File.WriteAllText(path, PythonJson.Serialize(january));
    }

    private static JsonObject ReadJson(string experiment) => PythonJson.Parse(File.ReadAllText(CheckpointStore.PathFor(experiment)))!.AsObject();

    /// <summary>Where HEAD resumes a run of a 2.0 file: it rebuilds run_states from completed_runs alone.</summary>
    private static RunResumePoint HeadResumePointOfVersion20(string? status) => status switch
    {
        "agent_complete" => RunResumePoint.Judges,
        "passed" or "failed" => RunResumePoint.Done,
        _ => RunResumePoint.Agent,
    };

    [Fact]
    public void A_version_20_checkpoint_is_written_back_as_20_with_the_january_keys_first()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Failed]);
        MakeVersion20(experiment);

        CheckpointResetTests.Save(experiment, c => c.MarkRunCompleted("T0", "00", 2, CompletedRunStatus.Failed));

        var json = ReadJson(experiment);
        Assert.Equal("2.0", json["version"]!.GetValue<string>());
        Assert.Equal(s_januaryKeys, json.Select(p => p.Key).Take(s_januaryKeys.Length));
        Assert.Equal("failed", json["completed_runs"]!["T0"]!["00"]!["2"]!.GetValue<string>());
        Assert.Equal("report_written", json["run_states"]!["T0"]!["00"]!["2"]!.GetValue<string>());
        Assert.Equal("2.0", CheckpointResetTests.Load(experiment).SourceVersion);
    }

    [Fact]
    public void After_a_reset_and_a_repair_a_20_file_resumes_each_run_where_head_would()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Failed, RunStatus.Results], tiers: 2, subtests: 1, runs: 3);
        MakeVersion20(experiment);
        var checkpoint = CheckpointResetTests.Load(experiment);
        var judgeReset = CheckpointReset.PlanRuns(checkpoint, experiment, "judge_pipeline_run", new RunQuery { Tiers = ["T0"] }, null);
        CheckpointResetTests.Save(experiment, c => judgeReset.ToList().ForEach(r => CheckpointReset.ApplyRun(c, r.Tier!, r.Subtest!, r.RunNumber!.Value, judgeStage: true)));
        var opened = Experiment.Open(experiment);
        CheckpointStore.Update(experiment, opened.Config, c => CheckpointRepair.Apply(opened, c, false, false, _ => true, _ => false, DateTimeOffset.UtcNow));

        var json = ReadJson(experiment);
        var ours = CheckpointResetTests.Load(experiment);
        Assert.Equal("2.0", json["version"]!.GetValue<string>());
        Assert.NotEmpty(judgeReset);
        Assert.All(ours.RunKeys, r =>
            Assert.Equal(HeadResumePointOfVersion20(ours.GetRunStatus(r.Tier, r.Subtest, r.RunNumber)), RunStates.ResumePoint(ours.GetRunState(r.Tier, r.Subtest, r.RunNumber))));
        Assert.Contains(ours.RunKeys, r => ours.GetRunStatus(r.Tier, r.Subtest, r.RunNumber) == "agent_complete");
    }

    [Theory]
    [InlineData("3.0")]
    [InlineData("3.1")]
    public void Versions_30_and_31_are_written_as_31(string version)
    {
        var checkpoint = Checkpoint.Parse($"{{\"version\": \"{version}\", \"run_states\": {{\"T0\": {{\"00\": {{\"1\": \"agent_ready\"}}}}}}}}", "c.json");

        var json = PythonJson.Parse(checkpoint.ToJson())!.AsObject();

        Assert.Equal("3.1", json["version"]!.GetValue<string>());
        Assert.Equal("3.1", checkpoint.WriteVersion);
    }

    [Fact]
    public void Upgrading_writes_a_20_checkpoint_as_31()
    {
        var checkpoint = Checkpoint.Parse("{\"version\": \"2.0\", \"completed_runs\": {\"T0\": {\"00\": {\"1\": \"passed\"}}}}", "c.json");

        checkpoint.UpgradeFormat();
        var json = PythonJson.Parse(checkpoint.ToJson())!.AsObject();

        Assert.Equal("3.1", json["version"]!.GetValue<string>());
        Assert.Equal("experiment_state", json.Select(p => p.Key).ElementAt(4));
    }

    [Fact]
    public void A_new_checkpoint_follows_the_era_of_the_experiment_config()
    {
        using var temp = new TempDirectory();
        var head = Fixtures.Generate(temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);
        var january = Fixtures.Generate(temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);
        var configPath = Path.Combine(january, ExperimentConfig.RelativePath);
        var config = PythonJson.Parse(File.ReadAllText(configPath))!.AsObject();
        config.Remove("skip_agent_teams");
        config["parallel_subtests"] = 4;
        File.WriteAllText(configPath, PythonJson.Serialize(config));

        var newHead = Checkpoint.CreateNew(ExperimentConfig.Load(head), head);
        var newJanuary = Checkpoint.CreateNew(ExperimentConfig.Load(january), january);

        Assert.Equal(("3.1", ConfigHash.ForHead(ExperimentConfig.Load(head))), (newHead.WriteVersion, newHead.ConfigHash));
        Assert.Equal(("2.0", ConfigHash.ForJan(ExperimentConfig.Load(january))), (newJanuary.WriteVersion, newJanuary.ConfigHash));
        Assert.Equal("2.0", PythonJson.Parse(newJanuary.ToJson())!["version"]!.GetValue<string>());
    }

    [Fact]
    public void Config_drift_is_seen_in_either_eras_hash()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);
        var config = ExperimentConfig.Load(experiment);
        var checkpoint = CheckpointResetTests.Load(experiment);

        Assert.Equal("HEAD", ConfigHash.MatchingEra(config, checkpoint.ConfigHash));
        Assert.Equal("January", ConfigHash.MatchingEra(config, ConfigHash.ForJan(config)));
        Assert.True(CheckpointSummary.From(checkpoint, experiment, config).ConfigHashMatches);

        var configPath = Path.Combine(experiment, ExperimentConfig.RelativePath);
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"timeout_seconds\": 300", "\"timeout_seconds\": 301", StringComparison.Ordinal));
        var edited = ExperimentConfig.Load(experiment);

        Assert.Null(ConfigHash.MatchingEra(edited, checkpoint.ConfigHash));
        Assert.Equal((false, (string?)null), (CheckpointSummary.From(checkpoint, experiment, edited).ConfigHashMatches, CheckpointSummary.From(checkpoint, experiment, edited).ConfigHashEra));
    }
}
