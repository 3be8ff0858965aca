using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>Repair and reconcile against the run folders, and zombies (docs/checkpoints.md), on generated experiments.</summary>
public class CheckpointRepairTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<CheckpointChange> Plan(string experiment) =>
        CheckpointRepair.Plan(Experiment.Open(experiment), CheckpointStore.TryLoad(experiment), false, _ => false, s_now);

    /// <summary>Applies every planned correction (backward ones too, as -Force does), with the .bak copy.</summary>
    private static IReadOnlyList<CheckpointChange> Repair(string experiment, bool force = true)
    {
        var opened = Experiment.Open(experiment);
        var isNew = CheckpointStore.TryLoad(experiment) == null;
        IReadOnlyList<CheckpointChange> applied = [];
        CheckpointStore.Update(experiment, opened.Config, c => applied = CheckpointRepair.Apply(opened, c, isNew, false,
            change => force || change.Direction != CheckpointChangeDirection.Backward, _ => false, s_now), backup: true);
        return applied;
    }

    private static CheckpointChange RunChange(IEnumerable<CheckpointChange> changes, string runId) => Assert.Single(changes, c => c.Target == runId);

    [Fact]
    public void A_checkpoint_that_matches_the_disk_needs_nothing()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Missing, RunStatus.Partial]);

        Assert.Empty(Plan(experiment));
    }

    [Fact]
    public void A_finished_run_missing_from_the_checkpoint_is_recorded_forward_with_its_real_result()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var runs = Fixtures.Scan(experiment);
        CheckpointResetTests.Save(experiment, c => { c.SetRunEntry("T0", "00", 1, null, null); c.SetRunEntry("T0", "00", 2, "report_written", runs[1].Passed!.Value ? "failed" : "passed"); });

        var changes = Repair(experiment, force: false);

        var after = CheckpointResetTests.Load(experiment);
        Assert.Equal(CheckpointChangeDirection.Forward, RunChange(changes, "T0/00/run_01").Direction);
        Assert.Equal(CheckpointChangeDirection.Same, RunChange(changes, "T0/00/run_02").Direction);
        Assert.Equal(runs[0].Passed!.Value ? "passed" : "failed", after.GetRunStatus("T0", "00", 1));
        Assert.Equal(runs[1].Passed!.Value ? "passed" : "failed", after.GetRunStatus("T0", "00", 2));
        Assert.Equal("report_written", after.GetRunState("T0", "00", 1));
    }

    [Fact]
    public void A_corrupt_run_result_never_counts_as_done_and_the_step_back_needs_force()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var run = Fixtures.Scan(experiment).Single();
        File.WriteAllText(Path.Combine(run.Path, "run_result.json"), "{\"judge_score\": 0.9, \"judge_pa");
        var before = File.ReadAllBytes(CheckpointStore.PathFor(experiment));

        var change = RunChange(Plan(experiment), "T0/00/run_01");
        var withoutForce = Repair(experiment, force: false);

        Assert.Equal((CheckpointChangeDirection.Backward, "agent_complete/agent_complete"), (change.Direction, change.NewValue));
        Assert.Contains("run_result.json", change.Reason);
        Assert.Empty(withoutForce);
        Repair(experiment);
        var after = CheckpointResetTests.Load(experiment);
        Assert.Equal(("agent_complete", "agent_complete"), (after.GetRunState("T0", "00", 1), after.GetRunStatus("T0", "00", 1)));
        Assert.Equal("pending", after.TierStates.Single().State);
        Assert.NotEqual(before, File.ReadAllBytes(CheckpointStore.PathFor(experiment)));
    }

    [Fact]
    public void A_rate_limited_agent_result_is_not_reconciled_forward()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var runs = Fixtures.Scan(experiment);
        foreach (var run in runs)
        {
            File.Delete(Path.Combine(run.Path, "run_result.json"));
        }

        File.WriteAllText(Path.Combine(runs[0].Path, "agent", "stderr.log"), "+ claude --print agent/prompt.md\nError: 429 Too Many Requests\n");
        CheckpointResetTests.Save(experiment, c => { c.SetRunEntry("T0", "00", 1, "rate_limited", null); c.SetRunEntry("T0", "00", 2, null, null); });

        var changes = Plan(experiment);

        Assert.DoesNotContain(changes, c => c.Target == "T0/00/run_01");
        Assert.Equal(("(none)/(none)", "agent_complete/agent_complete"), (RunChange(changes, "T0/00/run_02").OldValue, RunChange(changes, "T0/00/run_02").NewValue));
    }

    [Fact]
    public void An_infrastructure_failure_recorded_as_passed_goes_back_to_pending()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var run = Fixtures.Scan(experiment).Single();
        File.WriteAllText(Path.Combine(run.Path, "agent", "result.json"),
            "{\"exit_code\": -1, \"token_stats\": {\"input_tokens\": 0, \"output_tokens\": 0, \"cache_creation_tokens\": 0, \"cache_read_tokens\": 0}, \"cost_usd\": 0}");

        var change = RunChange(Plan(experiment), "T0/00/run_01");

        Assert.Equal((CheckpointChangeDirection.Backward, "pending/(none)"), (change.Direction, change.NewValue));
    }

    [Fact]
    public void Entries_of_run_folders_that_are_gone_are_removed_and_impossible_pairs_fixed()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Failed, RunStatus.Completed], tiers: 1, subtests: 1, runs: 3);
        var runs = Fixtures.Scan(experiment);
        Directory.Delete(runs[2].Path, recursive: true);
        CheckpointResetTests.Save(experiment, c => c.SetRunEntry("T0", "00", 2, "replay_generated", "failed"));

        var changes = Repair(experiment);

        var after = CheckpointResetTests.Load(experiment);
        Assert.Equal((CheckpointChangeDirection.Same, "replay_generated/(none)"), (RunChange(changes, "T0/00/run_02").Direction, RunChange(changes, "T0/00/run_02").NewValue));
        Assert.Equal((CheckpointChangeDirection.Backward, "(none)/(none)"), (RunChange(changes, "T0/00/run_03").Direction, RunChange(changes, "T0/00/run_03").NewValue));
        Assert.Equal((null, (string?)null), (after.GetRunState("T0", "00", 3), after.GetRunStatus("T0", "00", 3)));
        Assert.Null(after.GetRunStatus("T0", "00", 2));
        Assert.NotNull(after.GetRunStatus("T0", "00", 1));
    }

    [Fact]
    public void A_pending_state_over_a_finished_run_folder_is_corrected_forward()
    {
        // Our reset archives the folder; a pending state over a finished folder is a contradiction (an older reset).
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        CheckpointResetTests.Save(experiment, c => CheckpointReset.ApplyRun(c, "T0", "00", 1, judgeStage: false));

        var change = RunChange(Plan(experiment), "T0/00/run_01");

        Assert.Equal(CheckpointChangeDirection.Forward, change.Direction);
        Assert.StartsWith("report_written/", change.NewValue, StringComparison.Ordinal);
    }

    [Fact]
    public void A_moved_experiment_gets_its_new_folder_and_a_backup_of_the_old_file()
    {
        using var temp = new TempDirectory();
        var original = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var moved = temp.Combine("moved-here");
        Directory.Move(original, moved);
        var before = File.ReadAllBytes(CheckpointStore.PathFor(moved));

        var change = Assert.Single(Repair(moved));

        Assert.Equal(("experiment_dir", original, moved), (change.Field, change.OldValue, change.NewValue));
        Assert.Equal(moved, CheckpointResetTests.Load(moved).ExperimentDirectory);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(moved, CheckpointStore.BackupFileName)));
        Assert.Empty(Plan(moved));
    }

    [Fact]
    public void A_copied_experiment_is_repaired_without_touching_the_original()
    {
        using var temp = new TempDirectory();
        var original = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Missing], tiers: 1, subtests: 1, runs: 2);
        var copy = temp.Combine("copy");
        CopyTree(original, copy);
        var originalBytes = File.ReadAllBytes(CheckpointStore.PathFor(original));
        Directory.Delete(Path.Combine(copy, "T0", "00", "run_01", "judge"), recursive: true);

        var changes = Repair(copy);

        Assert.Equal(["experiment_dir", "run"], changes.Select(c => c.Field));
        Assert.Equal(copy, CheckpointResetTests.Load(copy).ExperimentDirectory);
        Assert.Equal(originalBytes, File.ReadAllBytes(CheckpointStore.PathFor(original)));
        Assert.False(File.Exists(Path.Combine(original, CheckpointStore.BackupFileName)));
    }

    [Fact]
    public void A_missing_checkpoint_is_rebuilt_from_the_run_folders()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed, RunStatus.Failed, RunStatus.Results]);
        var expected = CheckpointResetTests.Load(experiment).CompletedRuns.ToList();
        File.Delete(CheckpointStore.PathFor(experiment));

        var changes = Repair(experiment);

        var rebuilt = CheckpointResetTests.Load(experiment);
        Assert.Equal("file", changes[0].Field);
        Assert.Equal(expected.Select(r => (r.Tier, r.Subtest, r.RunNumber, r.Status)),
            rebuilt.CompletedRuns.Where(r => r.Status != "agent_complete"));
        Assert.All(Fixtures.Scan(experiment).Where(r => r.Status == RunStatus.Results), r => Assert.Equal("agent_complete", r.CheckpointStatus));
        Assert.False(File.Exists(Path.Combine(experiment, CheckpointStore.BackupFileName)));
    }

    [Theory]
    [InlineData(119, false)]
    [InlineData(120, false)]
    [InlineData(121, true)]
    public void A_running_checkpoint_with_a_dead_runner_is_a_zombie_only_once_its_heartbeat_is_over_120_seconds_old(int ageSeconds, bool zombie)
    {
        var checkpoint = Checkpoint.Parse(Heartbeat(s_now.AddSeconds(-ageSeconds), "running"), "c.json");

        var check = CheckpointHealth.Check(checkpoint, "/nonexistent", s_now, _ => false);

        Assert.Equal(zombie, check.IsZombie);
        Assert.Equal(TimeSpan.FromSeconds(ageSeconds), check.HeartbeatAge);
        Assert.Equal((4242, (bool?)false), (check.RunnerPid, check.RunnerAlive));
    }

    [Fact]
    public void Live_runners_and_finished_checkpoints_are_never_zombies()
    {
        var stale = s_now.AddHours(-5);

        Assert.False(CheckpointHealth.Check(Checkpoint.Parse(Heartbeat(stale, "running"), "c.json"), "/nonexistent", s_now, _ => true).IsZombie);
        Assert.False(CheckpointHealth.Check(Checkpoint.Parse(Heartbeat(stale, "completed"), "c.json"), "/nonexistent", s_now, _ => false).IsZombie);
        Assert.True(CheckpointHealth.Check(Checkpoint.Parse("{\"version\": \"3.1\", \"status\": \"running\"}", "c.json"), "/nonexistent", s_now, _ => false).IsZombie);
        Assert.True(CheckpointHealth.IsProcessAlive(Environment.ProcessId));
    }

    [Fact]
    public void The_repair_sets_a_zombie_to_interrupted_and_keeps_every_state_map()
    {
        using var temp = new TempDirectory();
        var experiment = Fixtures.Generate(temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var path = CheckpointStore.PathFor(experiment);
        var json = Scylla.Core.Json.PythonJson.Parse(File.ReadAllText(path))!.AsObject();
        json["status"] = "running";
        json["last_heartbeat"] = Scylla.Core.Json.PythonJson.IsoTimestamp(s_now.AddSeconds(-121));
        File.WriteAllText(path, Scylla.Core.Json.PythonJson.Serialize(json));
        var maps = new[] { "experiment_state", "tier_states", "subtest_states", "run_states", "completed_runs" }.Select(k => json[k]!.ToJsonString()).ToList();

        var change = Assert.Single(Repair(experiment));

        var after = Scylla.Core.Json.PythonJson.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(("status", "running", "interrupted"), (change.Field, change.OldValue, change.NewValue));
        Assert.Equal("interrupted", after["status"]!.GetValue<string>());
        Assert.Equal(maps, new[] { "experiment_state", "tier_states", "subtest_states", "run_states", "completed_runs" }.Select(k => after[k]!.ToJsonString()));
    }

    private static string Heartbeat(DateTimeOffset at, string status) =>
        $"{{\"version\": \"3.1\", \"status\": \"{status}\", \"pid\": 4242, \"last_heartbeat\": \"{Scylla.Core.Json.PythonJson.IsoTimestamp(at)}\"}}";

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyTree(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }
}
