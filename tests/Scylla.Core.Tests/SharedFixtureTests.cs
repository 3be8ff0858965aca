using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

/// <summary>
/// Checks against the real experiment and tier configuration in ../shared (written by the Python tool): exact bytes,
/// hashes and counts no generated fixture can vouch for. The Shared suite: the build runs it only when ../shared exists
/// (README, "Tests").
/// </summary>
[Trait("Suite", "Shared")]
[Collection(GitCollection.Name)] // one test makes a git worktree
public sealed class SharedFixtureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static TierCatalog RealTierConfig => TierCatalog.Locate(Fixtures.Dryrun, Fixtures.TierConfig);

    private static JsonObject Reparse(Checkpoint checkpoint) => PythonJson.Parse(checkpoint.ToJson())!.AsObject();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("T0", 24, "00", "23")]
    [InlineData("T3", 41, "01", "41")]
    [InlineData("T4", 14, "01", "14")]
    [InlineData("T6", 1, "01", "01")]
    public void Subtests_of_the_real_tier_configuration(string tier, int count, string first, string last)
    {
        var subtests = RealTierConfig.GetSubtests(tier);

        Assert.Equal(count, subtests.Count);
        Assert.Equal((first, last), (subtests[0].Id, subtests[^1].Id));
    }

    [Fact]
    public void Subtest_yaml_keys_and_defaults()
    {
        var t0Empty = RealTierConfig.GetSubtests("T0")[0].Load();
        var t1Skills = RealTierConfig.GetSubtests("T1")[0].Load();
        var t5Best = RealTierConfig.GetSubtests("T5")[0].Load();

        Assert.Equal(("Empty System Prompt", false, "none"), (t0Empty.Name, t0Empty.ExtendsPrevious, t0Empty.SystemPromptMode));
        Assert.Equal("[]", t0Empty.Resources["claude_md"]!["blocks"]!.ToJsonString());
        Assert.Equal("[\"agent\"]", t1Skills.Resources["skills"]!["categories"]!.ToJsonString());
        Assert.Equal(["T0"], t5Best.InheritBestFrom);
        Assert.True(t5Best.ExtendsPrevious);
    }

    public static IEnumerable<object[]> DryrunJsonFiles() =>
        Directory.EnumerateFiles(Fixtures.Dryrun, "*.json", SearchOption.AllDirectories)
            .Where(f => !File.ReadAllText(f).Contains("Infinity"))
            .Select(f => new object[] { Path.GetRelativePath(Fixtures.Dryrun, f) });

    // The fixture's files end with "\n", added after Python wrote them (json.dump writes none, formats.md §0).
    [Theory]
    [MemberData(nameof(DryrunJsonFiles), DisableDiscoveryEnumeration = true)]
    public void Rewriting_a_file_written_by_Python_gives_the_same_bytes(string relativePath)
    {
        var original = File.ReadAllText(Path.Combine(Fixtures.Dryrun, relativePath));

        Assert.Equal(original.TrimEnd('\n'), PythonJson.Serialize(PythonJson.Parse(original)));
    }

    [Fact]
    public void Dryrun_config_loads_with_its_values()
    {
        var config = ExperimentConfig.Load(Fixtures.Dryrun);

        Assert.Equal("test-001", config.ExperimentId);
        Assert.Equal(["T0", "T1", "T2", "T3", "T4", "T5", "T6"], config.TiersToRun);
        Assert.Equal(3, config.JudgeModels.Count);
        Assert.Equal(1, config.MaxSubtests);
        Assert.Equal(300, config.TimeoutSeconds);
        Assert.Equal("None", config.ThinkingMode);
    }

    // formats.md §3.9 and Appendix A.
    [Fact]
    public void Jan_hash_of_the_dryrun_file_as_written_is_the_stored_hash()
    {
        var raw = PythonJson.Parse(File.ReadAllText(Path.Combine(Fixtures.Dryrun, ExperimentConfig.RelativePath)))!.AsObject();
        raw.Remove("parallel_subtests");
        raw.Remove("max_subtests");

        Assert.Equal("8553442b41f0adc8", ConfigHash.Compute(raw));
        Assert.Contains("\"config_hash\": \"8553442b41f0adc8\"", File.ReadAllText(Path.Combine(Fixtures.Dryrun, "checkpoint.json")));
    }

    [Fact]
    public void Jan_hash_after_loading_adds_thinking_mode() =>
        Assert.Equal("83759c4abe4d4859", ConfigHash.ForJan(ExperimentConfig.Load(Fixtures.Dryrun)));

    [Fact]
    public void Head_hash_of_the_dryrun_config() =>
        Assert.Equal("a3ce7392db88aa85", ConfigHash.ForHead(ExperimentConfig.Load(Fixtures.Dryrun)));

    [Fact]
    public void A_missing_checkpoint_of_the_january_dryrun_is_created_as_20_with_the_january_hash()
    {
        var experiment = Fixtures.CopyDryrun(_temp);
        File.Delete(Path.Combine(experiment, "checkpoint.json"));
        var config = ExperimentConfig.Load(experiment);

        CheckpointStore.Update(experiment, config, c => c.MarkRunCompleted("T0", "00", 1, CompletedRunStatus.Failed));
        var json = PythonJson.Parse(File.ReadAllText(Path.Combine(experiment, "checkpoint.json")))!.AsObject();

        Assert.Equal(("83759c4abe4d4859", "2.0"), (json["config_hash"]!.GetValue<string>(), json["version"]!.GetValue<string>()));
    }

    [Fact]
    public void Dryrun_v2_migrates_to_v31_as_upstream_does()
    {
        var path = Path.Combine(Fixtures.Dryrun, "checkpoint.json");
        var checkpoint = Checkpoint.Parse(File.ReadAllText(path), path);
        checkpoint.UpgradeFormat(); // as HEAD saves it
        var json = Reparse(checkpoint);

        Assert.Equal("2.0", checkpoint.SourceVersion);
        Assert.Equal("3.1", json["version"]!.GetValue<string>());
        Assert.Equal("tiers_running", json["experiment_state"]!.GetValue<string>());
        Assert.Equal("completed", json["status"]!.GetValue<string>());
        Assert.Equal("subtests_running", json["tier_states"]!["T0"]!.GetValue<string>());
        Assert.Equal("runs_in_progress", json["subtest_states"]!["T0"]!["00"]!.GetValue<string>());
        Assert.Equal("report_written", json["run_states"]!["T0"]!["00"]!["1"]!.GetValue<string>());
        Assert.Equal("passed", json["completed_runs"]!["T6"]!["01"]!["1"]!.GetValue<string>());
        Assert.Equal("2026-01-20T06:22:17.394618+00:00", json["last_heartbeat"]!.GetValue<string>());
        Assert.Equal(275043, json["pid"]!.GetValue<int>());
        string[] order = ["version", "experiment_id", "experiment_dir", "config_hash", "experiment_state", "tier_states", "subtest_states", "run_states",
            "completed_runs", "started_at", "last_updated_at", "last_heartbeat", "status", "rate_limit_source", "rate_limit_until", "pause_count", "pid"];
        Assert.Equal(order, json.Select(p => p.Key));
    }

    [Fact]
    public void Dryrun_lists_seven_completed_runs_with_scores()
    {
        var runs = Fixtures.Scan(Fixtures.Dryrun);

        Assert.Equal(["T0/00/run_01", "T1/01/run_01", "T2/01/run_01", "T3/01/run_01", "T4/01/run_01", "T5/01/run_01", "T6/01/run_01"], runs.Select(r => r.RunId));
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.All(runs, r => Assert.Equal("passed", r.CheckpointStatus));
        Assert.All(runs, r => Assert.Equal("report_written", r.RunState));
        Assert.Equal(0.9733333333333333, runs[0].Score);
        Assert.Equal((true, "A", 0.1351093, 203.132624), (runs[0].Passed!.Value, runs[0].Grade, runs[0].CostUsd!.Value, runs[0].DurationSeconds!.Value));
        Assert.Equal(TierCatalogSource.Disk, Experiment.Open(Fixtures.Dryrun).Catalog.Source);
    }

    [Fact]
    public void Explicit_tier_config_gives_the_subtests_with_max_subtests_applied()
    {
        var runs = Fixtures.Scan(Fixtures.Dryrun, tierConfig: Fixtures.TierConfig);

        Assert.Equal(7, runs.Count);
        Assert.Equal("T0/00/run_01", runs[0].RunId);
    }

    [Fact]
    public void Regenerating_the_dryruns_agent_result_from_its_logs_gives_the_original_file()
    {
        var experiment = Fixtures.CopyDryrun(_temp);
        var run = Path.Combine(experiment, "T1", "01", "run_01");
        var original = File.ReadAllText(Path.Combine(run, "agent", "result.json")).TrimEnd('\n'); // the fixture gained a final newline
        File.Delete(Path.Combine(run, "agent", "result.json"));

        RunResults.Regenerate(run, 1, ["a", "b", "c"]);

        Assert.Equal(original, File.ReadAllText(Path.Combine(run, "agent", "result.json")));
    }

    [Fact]
    public void Regenerating_the_dryruns_run_result_keeps_its_values_and_uses_judge_timing()
    {
        var experiment = Fixtures.CopyDryrun(_temp);
        var run = Path.Combine(experiment, "T0", "00", "run_01");
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run_result.json")))!.AsObject();
        File.Delete(Path.Combine(run, "run_result.json"));

        var regenerated = RunResults.Regenerate(run, 1, ["claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5"]);

        foreach (var key in new[] { "run_number", "exit_code", "token_stats", "tokens_input", "tokens_output", "cost_usd", "agent_duration_seconds", "judge_score", "judge_passed", "judge_grade", "judge_reasoning", "criteria_scores" })
        {
            Assert.True(JsonNode.DeepEquals(original[key], regenerated[key]), key);
        }

        var judgeTiming = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "judge", "timing.json")))!["judge_duration_seconds"]!.GetValue<double>();
        Assert.Equal(judgeTiming, regenerated["judge_duration_seconds"]!.GetValue<double>());
        Assert.Equal(["claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5"], regenerated["judges"]!.AsArray().Select(j => j!["model"]!.GetValue<string>()));
        Assert.Equal(Path.Combine(run, "workspace"), regenerated["workspace_path"]!.GetValue<string>());
    }

    [Fact]
    public void A_workspace_of_the_real_T6_subtest_names_every_block_agent_and_server()
    {
        var e = GitExperiment.Create(_temp);
        var template = _temp.Combine("wording.json");
        File.WriteAllText(template, "{\"agents_plural\": \"Agents:\", \"mcp_servers_plural\": \"Use all of:\", \"all_tools\": \"Every tool.\", \"footer\": \"\\n\\nEND\\n\"}");

        Workspaces.WorkspaceManager.Create(e.Open(Fixtures.TierConfig), "T6", "01", 1, new Workspaces.WorkspaceOptions { InstructionTemplatePath = template });

        var blocks = Enumerable.Range(1, 18).Select(i => File.ReadAllText(Directory.GetFiles(Path.Combine(Fixtures.TierConfig, "blocks"), $"B{i:00}-*.md").Single()));
        var agents = Directory.GetFiles(Path.Combine(Fixtures.TierConfig, "agents"), "*.md", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        string[] servers = ["fetch", "filesystem", "git", "github", "memory", "playwright", "postgres", "sequential-thinking", "time"];
        var expected = string.Join("\n\n", blocks)
            + "\n\nAgents:\n\n" + string.Join('\n', agents.Select(a => "- " + a))
            + "\n\nUse all of:\n\n" + string.Join('\n', servers.Select(m => "- " + m))
            + "\n\nEvery tool.\n\nEND\n";
        Assert.Equal(expected, File.ReadAllText(Path.Combine(e.Path, "T6", "01", "run_01", "workspace", "CLAUDE.md")));
    }
}
