using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>formats.md §5.2 and §5.7, checked on a generated completed run (T0/00/run_01), modified one way each.
/// </summary>
public sealed class ClassificationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _experiment;

    public ClassificationTests() => _experiment = Fixtures.CompletedSample(_temp);

    private string Run(string tier) => Path.Combine(_experiment, tier, tier == "T0" ? "00" : "01", "run_01");

    private string T0(params string[] parts) => Path.Combine([Run("T0"), .. parts]);

    private RunClassification Classify(string? runDirectory = null) => RunClassifier.Classify(runDirectory ?? Run("T0"), 3);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Appendix_A_agent_side()
    {
        File.Delete(Path.Combine(Run("T0"), "run_result.json"));
        File.Delete(Path.Combine(Run("T1"), "agent", "result.json"));
        File.Delete(Path.Combine(Run("T2"), "agent", "output.txt"));
        Directory.Delete(Path.Combine(Run("T3"), "agent"), true);
        File.WriteAllText(Path.Combine(Run("T4"), "agent", "output.txt"), string.Empty);
        File.WriteAllText(Path.Combine(Run("T4"), "judge", "judge_01", "judgment.json"), "{\"score\":0.5,\"is_valid\":false}");
        Directory.Delete(Path.Combine(Run("T5"), "judge", "judge_02"), true);
        File.Delete(Path.Combine(Run("T5"), "judge", "judge_03", "judgment.json"));
        Directory.Delete(Run("T6"), true);

        var statuses = Fixtures.Scan(_experiment).ToDictionary(r => r.Tier, r => (r.Status, r.JudgeSlots));

        Assert.Equal((RunStatus.Results, "Complete,Complete,Complete"), statuses["T0"]);
        Assert.Equal((RunStatus.Results, "AgentFailed,AgentFailed,AgentFailed"), statuses["T1"]);
        Assert.Equal((RunStatus.Failed, "Complete,Complete,Complete"), statuses["T2"]);
        Assert.Equal((RunStatus.Missing, "AgentFailed,AgentFailed,AgentFailed"), statuses["T3"]);
        Assert.Equal((RunStatus.Failed, "Failed,Complete,Complete"), statuses["T4"]);
        Assert.Equal((RunStatus.Completed, "Complete,Missing,Failed"), statuses["T5"]);
        Assert.Equal((RunStatus.Missing, "AgentFailed,AgentFailed,AgentFailed"), statuses["T6"]);
    }

    [Fact]
    public void Untouched_completed_run_is_completed_with_upstreams_reason()
    {
        var result = Classify();

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("Completed (no action needed)", result.Reason);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Both_result_files_deleted_is_results()
    {
        File.Delete(T0("run_result.json"));
        File.Delete(T0("agent", "result.json"));

        Assert.Equal((RunStatus.Results, "Agent finished, missing result files"), (Classify().Status, Classify().Reason));
    }

    [Fact]
    public void Empty_output_with_stderr_is_failed()
    {
        File.WriteAllText(T0("agent", "output.txt"), string.Empty);

        Assert.Equal((RunStatus.Failed, "Agent ran but failed"), (Classify().Status, Classify().Reason));
    }

    [Fact]
    public void Empty_output_without_stderr_is_missing_the_crash_footprint()
    {
        File.WriteAllText(T0("agent", "output.txt"), string.Empty);
        File.Delete(T0("agent", "stderr.log"));

        Assert.Equal((RunStatus.Missing, "Run never started"), (Classify().Status, Classify().Reason));
    }

    [Fact]
    public void Complete_agent_without_judge_folder_is_missing()
    {
        Directory.Delete(T0("judge"), true);

        Assert.Equal(RunStatus.Missing, Classify().Status);
    }

    [Theory]
    [InlineData("timing.json")]
    [InlineData("command_log.json")]
    public void Completed_does_not_need_timing_or_command_log(string file)
    {
        File.Delete(T0("agent", file));

        Assert.Equal(RunStatus.Completed, Classify().Status);
    }

    [Fact]
    public void Completed_only_checks_that_judge_exists_even_as_an_empty_file()
    {
        Directory.Delete(T0("judge"), true);
        File.WriteAllText(T0("judge"), string.Empty);

        Assert.Equal(RunStatus.Completed, Classify().Status);
    }

    [Fact]
    public void Agent_with_only_prompt_and_replay_is_partial()
    {
        foreach (var file in Directory.GetFiles(T0("agent")).Where(f => Path.GetFileName(f) != "prompt.md"))
        {
            File.Delete(file);
        }

        File.WriteAllText(T0("agent", "replay.sh"), "#!/bin/bash");

        Assert.Equal((RunStatus.Partial, "Agent started but incomplete"), (Classify().Status, Classify().Reason));
    }

    [Fact]
    public void Agent_that_is_a_file_is_partial()
    {
        Directory.Delete(T0("agent"), true);
        File.WriteAllText(T0("agent"), "not a folder");

        Assert.Equal(RunStatus.Partial, Classify().Status);
    }

    [Fact]
    public void Run_directory_that_is_a_file_and_one_that_does_not_exist_are_missing()
    {
        var file = _temp.Combine("run_07");
        File.WriteAllText(file, "x");

        Assert.Equal(RunStatus.Missing, Classify(file).Status);
        Assert.Equal(RunStatus.Missing, Classify(_temp.Combine("run_08")).Status);
        Assert.All(Classify(_temp.Combine("run_08")).JudgeSlots, s => Assert.Equal(JudgeSlotStatus.AgentFailed, s));
    }

    [Fact]
    public void Output_that_is_a_symlink_loop_counts_as_absent()
    {
        File.Delete(T0("agent", "output.txt"));
        File.CreateSymbolicLink(T0("agent", "output.txt"), T0("agent", "output.txt"));

        Assert.Equal(RunStatus.Failed, Classify().Status);
    }

    [Fact]
    public void Output_that_is_a_symlink_counts_with_its_targets_size()
    {
        File.Move(T0("agent", "output.txt"), T0("agent", "real-output.txt"));
        File.WriteAllText(T0("agent", "empty.txt"), string.Empty);
        File.CreateSymbolicLink(T0("agent", "output.txt"), T0("agent", "real-output.txt"));
        Assert.Equal(RunStatus.Completed, Classify().Status);

        File.Delete(T0("agent", "output.txt"));
        File.CreateSymbolicLink(T0("agent", "output.txt"), T0("agent", "empty.txt"));
        Assert.Equal(RunStatus.Failed, Classify().Status);

        File.Delete(T0("agent", "output.txt"));
        File.CreateSymbolicLink(T0("agent", "output.txt"), T0("agent", "gone.txt"));
        Assert.Equal(RunStatus.Failed, Classify().Status);
    }

    [Fact]
    public void Judge_slots_beyond_judge_models_are_ignored()
    {
        Assert.Equal(2, RunClassifier.Classify(Run("T0"), 2).JudgeSlots.Count);
        Assert.Equal([JudgeSlotStatus.Complete, JudgeSlotStatus.Complete, JudgeSlotStatus.Complete, JudgeSlotStatus.Missing], RunClassifier.Classify(Run("T0"), 4).JudgeSlots);
    }

    [Theory]
    [InlineData("{\"score\": 0.5, \"is_valid\": false}", JudgeSlotStatus.Failed)]
    [InlineData("{\"passed\": true}", JudgeSlotStatus.Failed)]
    [InlineData("[1, 2]", JudgeSlotStatus.Failed)]
    [InlineData("{\"score\": 0.5, \"fallback\": true}", JudgeSlotStatus.Complete)]
    [InlineData("{\"score\": null}", JudgeSlotStatus.Complete)]
    public void Judgment_validity_follows_head(string judgment, JudgeSlotStatus expected)
    {
        File.WriteAllText(T0("judge", "judge_02", "judgment.json"), judgment);

        Assert.Equal(expected, Classify().JudgeSlots[1]);
    }

    [Fact]
    public void Truncated_judgment_is_a_failed_slot_and_reported_with_its_path()
    {
        var path = T0("judge", "judge_03", "judgment.json");
        File.WriteAllText(path, "{\"score\": 0.");

        var result = Classify();

        Assert.Equal(JudgeSlotStatus.Failed, result.JudgeSlots[2]);
        Assert.Equal(path, Assert.Single(result.Issues).Path);
    }

    [Theory]
    [InlineData("{\"exit_code\": -1, \"token_stats\": {\"input_tokens\": 0}, \"cost_usd\": 0.0}", false)]
    [InlineData("{\"exit_code\": -1, \"token_stats\": {\"cache_read_tokens\": 5}, \"cost_usd\": 0.0}", true)]
    // upstream judges it; no work, no judge here
    [InlineData("{\"exit_code\": 1, \"token_stats\": {}, \"cost_usd\": 0.0}", false)]
    [InlineData("{\"exit_code\": 0, \"cost_usd\": 0.1}", false)]
    public void Judges_are_gated_on_a_valid_agent_result(string agentResult, bool judged)
    {
        File.WriteAllText(T0("agent", "result.json"), agentResult);

        Assert.Equal(judged, Classify().JudgeSlots[0] != JudgeSlotStatus.AgentFailed);
    }

    [Fact]
    public void Agent_side_and_judge_side_can_disagree_as_at_head()
    {
        File.WriteAllText(T0("agent", "output.txt"), string.Empty);

        var result = Classify();

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.All(result.JudgeSlots, s => Assert.Equal(JudgeSlotStatus.Complete, s));
    }
}
