using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Tests;

public class ConfigTests
{
    private const string Minimal = "{\"experiment_id\": \"e\", \"task_repo\": \"r\", \"task_commit\": \"c\", \"task_prompt_file\": \"p.md\", \"language\": \"python\"";

    [Fact]
    public void Missing_keys_take_upstream_defaults_and_missing_tiers_mean_none()
    {
        var config = ExperimentConfig.Parse(Minimal + "}");

        Assert.Equal(["claude-sonnet-4-6"], config.Models);
        Assert.Equal(["claude-opus-4-6"], config.JudgeModels);
        Assert.Equal(10, config.RunsPerSubtest);
        Assert.Empty(config.TiersToRun);
        Assert.Equal(3600, config.TimeoutSeconds);
        Assert.Null(config.MaxTurns);
        Assert.Null(config.MaxSubtests);
        Assert.False(config.SkipAgentTeams);
        Assert.Equal("None", config.ThinkingMode);
        Assert.False(config.UseContainers);
    }

    [Fact]
    public void Legacy_judge_model_is_used_only_without_judge_models()
    {
        Assert.Equal(["claude-haiku-4-5"], ExperimentConfig.Parse(Minimal + ", \"judge_model\": \"haiku\"}").JudgeModels);
        Assert.Equal(["x"], ExperimentConfig.Parse(Minimal + ", \"judge_model\": \"haiku\", \"judge_models\": [\"x\"]}").JudgeModels);
    }

    [Fact]
    public void Model_aliases_are_normalized_and_unknown_ids_kept_unstripped()
    {
        var config = ExperimentConfig.Parse(Minimal + ", \"models\": [\" Sonnet \", \"opus-4.5\"], \"judge_models\": [\" custom-model \", \"HAIKU-4.5\"]}");

        Assert.Equal(["claude-sonnet-4-6", "claude-opus-4-5"], config.Models);
        Assert.Equal([" custom-model ", "claude-haiku-4-5"], config.JudgeModels);
    }

    [Fact]
    public void Tier_ids_are_upper_cased_and_invalid_ones_refused()
    {
        Assert.Equal(["T1"], ExperimentConfig.Parse(Minimal + ", \"tiers_to_run\": [\"t1\"]}").TiersToRun);
        var error = Assert.Throws<ScyllaException>(() => ExperimentConfig.Parse(Minimal + ", \"tiers_to_run\": [\"T9\"]}", "x.json"));
        Assert.Equal("InvalidExperimentConfig", error.ErrorId);
        Assert.Contains("'T9' is not a valid TierID", error.Message);
    }

    [Theory]
    [InlineData("{\"task_repo\": \"r\"}", "'experiment_id' is missing")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("{\"experiment_id\": ", "not valid JSON")]
    public void Invalid_files_are_refused_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<ScyllaException>(() => ExperimentConfig.Parse(json, "/e/config/experiment.json"));

        Assert.Equal("InvalidExperimentConfig", error.ErrorId);
        Assert.Contains(reason, error.Message);
        Assert.Contains("/e/config/experiment.json", error.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_key()
    {
        var error = Assert.Throws<ScyllaException>(() => ExperimentConfig.Parse(Minimal + ", \"runs_per_subtest\": \"ten\"}"));

        Assert.Contains("'runs_per_subtest' has the wrong type", error.Message);
    }

    [Fact]
    public void Rewriting_keeps_unknown_keys_after_the_known_ones()
    {
        var config = ExperimentConfig.Parse(Minimal + ", \"parallel_subtests\": 6, \"models\": [\"sonnet\"]}");
        var rewritten = PythonJson.Parse(config.ToJson())!.AsObject();

        Assert.Equal(6, rewritten["parallel_subtests"]!.GetValue<int>());
        Assert.Equal("experiment_id", rewritten.First().Key);
        Assert.Equal("parallel_subtests", rewritten.Last().Key);
        Assert.Equal("None", rewritten["thinking_mode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("a//b", "a/b")]
    [InlineData("./a", "a")]
    [InlineData("a/./b", "a/b")]
    [InlineData("a/b/", "a/b")]
    [InlineData("../a/../b", "../a/../b")]
    [InlineData("/abs//x", "/abs/x")]
    [InlineData("//net/x", "//net/x")]
    [InlineData("///x", "/x")]
    [InlineData(".", ".")]
    public void Prompt_paths_are_normalized_like_python_Path(string input, string expected) =>
        Assert.Equal(expected, ConfigHash.NormalizePath(input));

    [Fact]
    public void Head_hash_normalizes_the_prompt_path()
    {
        var plain = ExperimentConfig.Parse(Minimal.Replace("p.md", "dir/p.md") + "}");
        var messy = ExperimentConfig.Parse(Minimal.Replace("p.md", "./dir//p.md") + "}");

        Assert.Equal(ConfigHash.ForHead(plain), ConfigHash.ForHead(messy));
    }

    [Fact]
    public void Tier_definitions_load_from_tiers_yaml()
    {
        using var temp = new TempDirectory();
        var tierConfig = TestTierConfig.Write(temp.Combine("tier-config"));
        var tiers = Tiers.TierCatalog.Locate(temp.Path, tierConfig).LoadTierDefinitions();

        Assert.Equal(7, tiers.Count);
        Assert.Equal("Test tier T0", tiers["T0"].Name);
        Assert.Null(tiers["T0"].ToolsEnabled);
        Assert.True(tiers["T3"].DelegationEnabled);
    }

    [Fact]
    public void A_tiers_yaml_without_every_tier_is_refused()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("subtests"));
        File.WriteAllText(temp.Combine("tiers.yaml"), "tiers:\n  T0: {name: a, description: b}\n");

        var error = Assert.Throws<ScyllaException>(() => Tiers.TierCatalog.Locate(temp.Path, temp.Path).LoadTierDefinitions());

        Assert.Contains("Missing required tier definitions: T1, T2, T3, T4, T5, T6", error.Message);
    }
}

/// <summary>experiment.json values read as upstream's model reads them, and values it would plan nonsense with refused.</summary>
public class ConfigValueTests
{
    private const string Minimal = "{\"experiment_id\": \"e\", \"task_repo\": \"r\", \"task_commit\": \"c\", \"task_prompt_file\": \"p.md\", \"language\": \"python\"";

    [Theory]
    [InlineData("300.0", 300)]
    [InlineData("\"300\"", 300)]
    [InlineData("\" 300 \"", 300)]
    [InlineData("3e2", 300)]
    [InlineData("true", 1)]
    public void Whole_numbers_written_as_floats_or_strings_are_read_as_pydantic_reads_them(string json, int expected)
    {
        var config = ExperimentConfig.Parse(Minimal + $", \"timeout_seconds\": {json}, \"runs_per_subtest\": 3.0}}");

        Assert.Equal(expected, config.TimeoutSeconds);
        Assert.Equal(3, config.RunsPerSubtest);
    }

    [Theory]
    [InlineData("runs_per_subtest", "NaN", "NaN")]
    [InlineData("runs_per_subtest", "2147483647", "between 0 and 1000")]
    [InlineData("runs_per_subtest", "-1", "between 0 and 1000")]
    [InlineData("timeout_seconds", "-1", "between 1 and 604800")]
    [InlineData("timeout_seconds", "300.5", "whole number")]
    [InlineData("timeout_seconds", "-Infinity", "-Infinity")]
    [InlineData("models", "[]", "at least one model")]
    [InlineData("judge_models", "[]", "at least one model")]
    public void Impossible_values_are_refused_naming_the_key(string key, string json, string reason)
    {
        var error = Assert.Throws<ScyllaException>(() => ExperimentConfig.Parse(Minimal + $", \"{key}\": {json}}}", "/x/config/experiment.json"));

        Assert.Equal("InvalidExperimentConfig", error.ErrorId);
        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Equal("/x/config/experiment.json", error.TargetPath);
    }

    [Fact]
    public void A_NaN_outside_the_counts_is_not_refused()
    {
        var config = ExperimentConfig.Parse(Minimal + ", \"notes\": \"NaN\", \"extra\": NaN}");

        Assert.Equal(10, config.RunsPerSubtest);
        Assert.Contains("\"notes\": \"NaN\"", config.ToJson());
    }

    [Fact]
    public void Booleans_accept_what_pydantic_accepts()
    {
        Assert.True(ExperimentConfig.Parse(Minimal + ", \"skip_agent_teams\": \"yes\", \"use_containers\": 1}").SkipAgentTeams);
        Assert.False(ExperimentConfig.Parse(Minimal + ", \"skip_agent_teams\": \"off\"}").SkipAgentTeams);
    }
}
