using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Runs;
using Scylla.Core.Status;

namespace Scylla.Core.Tests;

public sealed class ExperimentStatusTests : IDisposable
{
    private static readonly RunStatus[] s_pattern =
    [
        RunStatus.Completed, RunStatus.Missing, RunStatus.Failed,
        RunStatus.Partial, RunStatus.Results, RunStatus.Completed,
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<ExperimentLayout> Layouts => new() { ExperimentLayout.Flat, ExperimentLayout.Phase };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Counts_per_experiment_tier_and_subtest_equal_the_run_scan(ExperimentLayout layout)
    {
        var path = Fixtures.Generate(_temp, s_pattern, layout, tiers: 2, subtests: 2, runs: 6);
        var runs = Fixtures.Scan(path);
        var experiment = Experiment.Open(path);

        var whole = Status(experiment);
        var subtests = ExperimentStatusReader.Read(experiment, StatusLevel.Subtest, null, null, _ => { });

        Assert.Equal(runs.Count(r => r.Status == RunStatus.Completed), whole.Completed);
        Assert.Equal(runs.Count(r => r.Status == RunStatus.Failed), whole.Failed);
        Assert.Equal(runs.Count(r => r.Status == RunStatus.Results), whole.Results);
        Assert.Equal(runs.Count(r => r.IsExpected), whole.ExpectedRuns);
        Assert.Equal(runs.Count, whole.TotalRuns);
        var completeSlots = runs.Where(r => r.IsExpected).Sum(r => r.JudgeSlots.Split(',').Count(s => s == "Complete"));
        Assert.Equal(completeSlots, whole.JudgeSlotsComplete);
        Assert.Equal(whole.ExpectedRuns * 3, whole.JudgeSlotsExpected);
        Assert.Equal(runs.Select(r => r.Tier + r.Subtest).Distinct().Count(), subtests.Count);
        Assert.Equal(whole.Partial, subtests.Sum(s => s.Partial));
        Assert.Equal(runs.Where(r => r.Score != null).Average(r => r.Score!.Value), whole.MeanScore!.Value, 12);
        Assert.Equal(Completeness.Progressing, whole.Completeness);
    }

    [Fact]
    public void Rate_limited_runs_are_counted_so_the_statuses_add_up_to_every_run()
    {
        var path = Fixtures.Generate(_temp, [.. s_pattern, RunStatus.RateLimited], tiers: 1, subtests: 2, runs: 7);
        var runs = Fixtures.Scan(path);

        var whole = Status(Experiment.Open(path));

        Assert.Equal(runs.Count(r => r.Status == RunStatus.RateLimited), whole.RateLimited);
        Assert.True(whole.RateLimited > 0);
        Assert.Equal(whole.TotalRuns,
            whole.Completed + whole.Missing + whole.Failed + whole.Partial + whole.Results + whole.RateLimited);
    }

    [Fact]
    public void An_unchanged_fingerprint_is_stuck_a_changed_one_progressing_and_all_completed_is_complete()
    {
        var path = Fixtures.Generate(_temp, [RunStatus.Completed, RunStatus.Results], tiers: 1, subtests: 1, runs: 2);
        var experiment = Experiment.Open(path);
        var first = Status(experiment);

        var again = Status(experiment, first.Fingerprint);
        Directory.Delete(Path.Combine(path, "T0", "00", "run_02", "agent"), recursive: true);
        var changed = Status(experiment, first.Fingerprint);
        var done = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);

        Assert.Equal(Completeness.Stuck, again.Completeness);
        Assert.Equal(Completeness.Progressing, changed.Completeness);
        Assert.NotEqual(first.Fingerprint, changed.Fingerprint);
        Assert.Equal(Completeness.Complete, Status(Experiment.Open(done)).Completeness);
    }

    [Fact]
    public void Scores_and_costs_are_summed_subtest_by_subtest_as_the_result_files_sum_them()
    {
        var path = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 2, runs: 2);
        // Python's statistics.mean([0.1, 0.2, 0.9733333333333333, 0.7]) is 0.4933333333333333; a float sum over the
        // runs gives ...35. Subtest costs 0.1 + (0.2 + 0.3) are 0.6; summed run by run they are 0.6000000000000001.
        foreach (var (subtest, run, score, cost) in new[]
        {
            ("00", 1, 0.1, 0.1), ("00", 2, 0.2, 0.0), ("01", 1, 0.9733333333333333, 0.2), ("01", 2, 0.7, 0.3),
        })
        {
            var file = Path.Combine(path, "T0", subtest, $"run_{run:00}", "run_result.json");
            var record = (JsonObject)PythonJson.Parse(File.ReadAllText(file))!;
            record["judge_score"] = score;
            record["cost_usd"] = cost;
            File.WriteAllText(file, PythonJson.Serialize(record));
        }

        var experiment = Experiment.Open(path);
        var whole = Status(experiment);
        var tier = Assert.Single(ExperimentStatusReader.Read(experiment, StatusLevel.Tier, null, null, _ => { }));
        var subtests = ExperimentStatusReader.Read(experiment, StatusLevel.Subtest, null, null, _ => { });

        Assert.Equal((4, 0.4933333333333333, 0.6), (whole.ScoredRuns, whole.MeanScore, whole.CostUsd));
        Assert.Equal((4, 0.4933333333333333, 0.6), (tier.ScoredRuns, tier.MeanScore, tier.CostUsd));
        Assert.Equal([0.1, 0.5], subtests.Select(s => s.CostUsd));
        Assert.Equal([0.15000000000000002, 0.8366666666666667], subtests.Select(s => s.MeanScore!.Value));
    }

    [Fact]
    public void The_fingerprint_hashes_each_runs_id_status_slots_and_marks_and_groups_keep_the_scan_order()
    {
        var path = Fixtures.Generate(_temp, s_pattern, tiers: 2, subtests: 2, runs: 3);
        Directory.CreateDirectory(Path.Combine(path, "T0", "00", "run_09"));
        Directory.CreateDirectory(Path.Combine(path, "T1", "05", "run_01"));
        var runs = Fixtures.Scan(path);
        var text = string.Concat(runs.Select(r =>
            $"{r.RunId}|{r.Status}|{r.JudgeSlots}|{r.RunState}|{r.CheckpointStatus}\n"));
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
        var experiment = Experiment.Open(path);

        var tiers = ExperimentStatusReader.Read(experiment, StatusLevel.Tier, null, null, _ => { });
        var subtests = ExperimentStatusReader.Read(experiment, StatusLevel.Subtest, null, null, _ => { });

        Assert.Equal(expected, Status(experiment).Fingerprint);
        Assert.All(subtests, s => Assert.Equal(expected, s.Fingerprint));
        Assert.Equal(runs.Select(r => r.Tier).Distinct(), tiers.Select(t => t.Tier!));
        Assert.Equal(runs.Select(r => (r.Tier, r.Subtest)).Distinct(), subtests.Select(s => (s.Tier!, s.Subtest!)));
        Assert.Equal(("T1", "05"), (subtests[^1].Tier, subtests[^1].Subtest));
        Assert.Equal((3, 4), (subtests[0].ExpectedRuns, subtests[0].TotalRuns));
    }

    [Fact]
    public void A_running_checkpoint_with_a_dead_pid_and_a_stale_heartbeat_is_a_zombie()
    {
        var path = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var file = CheckpointStore.PathFor(path);
        var data = (JsonObject)PythonJson.Parse(File.ReadAllText(file))!;
        data["status"] = "running";
        data["pid"] = DeadPid();
        data["last_heartbeat"] = "2026-01-20T06:13:51+00:00";
        File.WriteAllText(file, PythonJson.Serialize(data));
        var now = DateTimeOffset.Parse("2026-01-20T06:20:00+00:00", System.Globalization.CultureInfo.InvariantCulture);

        var zombie = CheckpointHealth.Check(CheckpointStore.TryLoad(path)!, path, now, CheckpointHealth.IsProcessAlive);
        var fresh = CheckpointHealth.Check(CheckpointStore.TryLoad(path)!, path, now.AddMinutes(-6), CheckpointHealth.IsProcessAlive);

        Assert.Equal((false, true), (zombie.RunnerAlive, zombie.IsZombie));
        Assert.Equal(369, zombie.HeartbeatAge!.Value.TotalSeconds);
        Assert.False(fresh.IsZombie);
        data["pid"] = Environment.ProcessId;
        File.WriteAllText(file, PythonJson.Serialize(data));
        var live = CheckpointHealth.Check(CheckpointStore.TryLoad(path)!, path, now, CheckpointHealth.IsProcessAlive);
        Assert.Equal((true, false), (live.RunnerAlive, live.IsZombie));
    }

    private static ScyllaExperiment Status(Experiment experiment, string? previousFingerprint = null) =>
        Assert.Single(
            ExperimentStatusReader.Read(experiment, StatusLevel.Experiment, null, previousFingerprint, _ => { }));

    /// <summary>The pid of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }
}
