using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>Reset-from-a-state (docs/checkpoints.md), on generated experiments.</summary>
public class CheckpointResetTests
{
    internal static Checkpoint Load(string experiment) => CheckpointStore.TryLoad(experiment)!;

    internal static void Save(string experiment, Action<Checkpoint> change) =>
        CheckpointStore.Update(experiment, ExperimentConfig.Load(experiment), change);

    [Theory]
    [InlineData(null, RunResumePoint.Agent)]
    [InlineData("pending", RunResumePoint.Agent)]
    [InlineData("replay_generated", RunResumePoint.Agent)]
    [InlineData("failed", RunResumePoint.Agent)]
    [InlineData("rate_limited", RunResumePoint.Agent)]
    [InlineData("agent_ready", RunResumePoint.Agent)]
    [InlineData("agent_complete", RunResumePoint.Judges)]
    [InlineData("judge_prompt_built", RunResumePoint.Judges)]
    [InlineData("judge_complete", RunResumePoint.Done)]
    [InlineData("worktree_cleaned", RunResumePoint.Done)]
    public void Each_run_state_names_where_the_next_rerun_starts(string? state, RunResumePoint expected) =>
        Assert.Equal(expected, RunStates.ResumePoint(state));

    [Fact]
    public void An_unknown_state_is_refused_listing_the_valid_ones()
    {
        var error = Assert.Throws<ScyllaException>(() => RunStates.Validate("judge_ready"));

        Assert.Equal("UnknownRunState", error.ErrorId);
        Assert.Contains(string.Join(", ", RunStates.Sequence), error.Message);
        Assert.Equal("UnknownTierState", Assert.Throws<ScyllaException>(() => CheckpointReset.ValidateTierState("running")).ErrorId);
        Assert.Equal("UnknownExperimentState", Assert.Throws<ScyllaException>(() => CheckpointReset.ValidateExperimentState("done")).ErrorId);
    }

    [Fact]
    public void An_agent_stage_reset_sends_finished_runs_to_pending_and_reopens_their_subtest_tier_and_experiment()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 2, subtests: 1, runs: 2);
        Save(experiment, c => { c.SetTierState("T0", "complete"); c.SetField("experiment_state", "complete"); });
        var checkpoint = Load(experiment);

        var changes = CheckpointReset.PlanRuns(checkpoint, experiment, "replay_generated", new RunQuery { Tiers = ["T0"] }, null);
        Save(experiment, c => changes.ToList().ForEach(change => CheckpointReset.ApplyRun(c, change.Tier!, change.Subtest!, change.RunNumber!.Value, judgeStage: false)));

        var after = Load(experiment);
        Assert.Equal(["T0/00/run_01", "T0/00/run_02"], changes.Select(c => c.Target));
        Assert.All(changes, c => Assert.Equal(CheckpointChangeDirection.Backward, c.Direction));
        Assert.Equal(("pending", (string?)null), (after.GetRunState("T0", "00", 1), after.GetRunStatus("T0", "00", 1)));
        Assert.Equal("report_written", after.GetRunState("T1", "01", 1));
        Assert.Equal(("T0", "pending"), after.TierStates.Single(t => t.Tier == "T0"));
        Assert.Equal("tiers_running", after.ExperimentState);
    }

    [Fact]
    public void A_judge_stage_reset_keeps_the_agent_and_archives_the_chosen_judge_slots_and_the_run_result()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var run = Fixtures.Scan(experiment).Single();
        var agentResult = File.ReadAllBytes(Path.Combine(run.Path, "agent", "result.json"));

        var change = CheckpointReset.PlanRuns(Load(experiment), experiment, "judge_pipeline_run", RunQuery.All, null).Single();
        CheckpointReset.EnsureAgentResultUsable(Experiment.Open(experiment), "T0", "00", 1);
        var archived = JudgeResultArchive.Archive(run.Path, [2]);
        Save(experiment, c => CheckpointReset.ApplyRun(c, "T0", "00", 1, judgeStage: true));

        var after = Fixtures.Scan(experiment).Single();
        Assert.Equal($"report_written/{run.CheckpointStatus}", change.OldValue);
        Assert.Equal("agent_complete/agent_complete", change.NewValue);
        Assert.Equal(("agent_complete", "agent_complete"), (after.RunState, after.CheckpointStatus));
        Assert.Equal("Complete,Missing,Complete", after.JudgeSlots);
        Assert.Equal(agentResult, File.ReadAllBytes(Path.Combine(run.Path, "agent", "result.json")));
        var failed = Path.Combine(Path.GetDirectoryName(run.Path)!, ".failed");
        Assert.Equal([Path.Combine(failed, "run_01_judge_02"), Path.Combine(failed, "run_01_run_result.json")], archived);
        Assert.True(File.Exists(Path.Combine(failed, "run_01_judge_02", "judgment.json")));
        Assert.False(File.Exists(Path.Combine(run.Path, "run_result.json")));
        Assert.Equal(RunResumePoint.Judges, RunStates.ResumePoint(after.RunState));
    }

    [Fact]
    public void Archiving_the_same_slot_twice_never_overwrites_the_first_archive()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var run = Fixtures.Scan(experiment).Single();
        JudgeResultArchive.Archive(run.Path, [1]);
        Directory.CreateDirectory(Path.Combine(run.Path, "judge", "judge_01"));

        var second = JudgeResultArchive.Archive(run.Path, [1]);

        Assert.Equal(Path.Combine(Path.GetDirectoryName(run.Path)!, ".failed", "run_01_judge_01_1"), Assert.Single(second));
    }

    [Fact]
    public void Failed_and_rate_limited_runs_are_reset_without_a_status_filter_unlike_upstream()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Failed], tiers: 1, subtests: 1, runs: 3);
        Save(experiment, c =>
        {
            c.AdvanceRun("T0", "00", 1, "failed");
            c.AdvanceRun("T0", "00", 2, "rate_limited");
            c.AdvanceRun("T0", "00", 3, "replay_generated");
        });

        var changes = CheckpointReset.PlanRuns(Load(experiment), experiment, "agent_complete", RunQuery.All, null);
        var rateLimitedOnly = CheckpointReset.PlanRuns(Load(experiment), experiment, "pending", RunQuery.All, ["rate_limited"]);

        Assert.Equal(["T0/00/run_01", "T0/00/run_02"], changes.Select(c => c.Target));
        Assert.Equal("T0/00/run_02", Assert.Single(rateLimitedOnly).Target);
    }

    [Fact]
    public void Runs_before_the_named_state_are_left_alone()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        Save(experiment, c => c.SetRunEntry("T0", "00", 2, "diff_captured", "agent_complete"));

        var changes = CheckpointReset.PlanRuns(Load(experiment), experiment, "judge_complete", RunQuery.All, null);

        Assert.Equal("T0/00/run_01", Assert.Single(changes).Target);
    }

    [Fact]
    public void A_judge_stage_reset_refuses_a_run_whose_agent_output_is_a_rate_limit_or_missing()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Failed], tiers: 1, subtests: 1, runs: 2);
        var run = Fixtures.Scan(experiment)[0];
        File.WriteAllText(Path.Combine(run.Path, "agent", "stdout.log"), "{\"type\": \"result\", \"is_error\": true, \"result\": \"You've hit your limit · resets 4pm\"}");

        var limited = Assert.Throws<ScyllaException>(() => CheckpointReset.EnsureAgentResultUsable(Experiment.Open(experiment), "T0", "00", 1));
        var failed = Assert.Throws<ScyllaException>(() => CheckpointReset.EnsureAgentResultUsable(Experiment.Open(experiment), "T0", "00", 2));

        Assert.Equal("AgentResultUnusable", limited.ErrorId);
        Assert.Contains("rate-limited", limited.Message);
        Assert.Equal("AgentResultUnusable", failed.ErrorId);
    }

    [Fact]
    public void Tier_and_experiment_resets_follow_upstream()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 3, subtests: 1, runs: 1);
        Save(experiment, c =>
        {
            c.SetTierState("T0", "complete");
            c.SetTierState("T1", "config_loaded");
            c.SetTierState("T2", "failed");
            c.SetField("experiment_state", "reports_generated");
        });
        var checkpoint = Load(experiment);

        var tiers = CheckpointReset.PlanTiers(checkpoint, experiment, "subtests_running", RunQuery.All);
        var state = CheckpointReset.PlanExperiment(checkpoint, experiment, "tiers_running");
        var notPast = CheckpointReset.PlanExperiment(checkpoint, experiment, "complete");

        Assert.Equal("T0", Assert.Single(tiers).Target); // config_loaded is before, failed is outside the sequence
        Assert.Equal(("reports_generated", "tiers_running"), (state!.OldValue, state.NewValue));
        Assert.Null(notPast);
    }
}
