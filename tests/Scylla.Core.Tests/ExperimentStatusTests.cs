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
