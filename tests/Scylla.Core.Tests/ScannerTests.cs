using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

public sealed class ScannerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sample_statuses_are_classified_back_in_both_layouts()
    {
        RunStatus[] pattern = [RunStatus.Completed, RunStatus.Missing, RunStatus.Failed, RunStatus.Partial, RunStatus.Results];
        foreach (var layout in new[] { ExperimentLayout.Flat, ExperimentLayout.Phase })
        {
            var runs = Fixtures.Scan(Fixtures.Generate(_temp, pattern, layout, tiers: 2, subtests: 2, runs: 5));

            Assert.Equal(20, runs.Count);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => pattern[i % 5]), runs.Select(r => r.Status));
            Assert.All(runs.Where(r => r.Status == RunStatus.Completed), r => Assert.Equal(layout == ExperimentLayout.Flat ? RunLocation.Flat : RunLocation.Completed, r.Location));
        }
    }

    [Fact]
    public void Phase_layout_prefers_the_run_in_completed()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], ExperimentLayout.Phase, tiers: 1, subtests: 1, runs: 1);
        var stale = Path.Combine(experiment, "in_progress", "T0", "00", "run_01", "agent");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "stderr.log"), "crash");

        var run = Assert.Single(Fixtures.Scan(experiment));

        Assert.Equal((RunStatus.Completed, RunLocation.Completed), (run.Status, run.Location));
        Assert.Equal(Path.Combine(experiment, "completed", "T0", "00", "run_01"), run.Path);
    }

    [Fact]
    public void A_tree_with_both_layouts_is_refused_naming_both()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], ExperimentLayout.Flat, tiers: 1, subtests: 1, runs: 1);
        Directory.CreateDirectory(Path.Combine(experiment, "completed", "T0", "00", "run_02"));

        var error = Assert.Throws<ScyllaException>(() => Experiment.Open(experiment));

        Assert.Equal("MixedExperimentLayout", error.ErrorId);
        Assert.Contains("T0", error.Message);
        Assert.Contains("completed", error.Message);
    }

    [Fact]
    public void Tier_results_under_completed_of_a_flat_experiment_leave_it_flat()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], ExperimentLayout.Flat, tiers: 1, subtests: 1, runs: 1);
        Directory.CreateDirectory(Path.Combine(experiment, "completed", "T0", "00"));
        File.WriteAllText(Path.Combine(experiment, "completed", "T0", "result.json"), "{\"tier_id\": \"T0\"}");
        File.WriteAllText(Path.Combine(experiment, "completed", "T0", "00", "report.json"), "{}");

        var opened = Experiment.Open(experiment);

        Assert.Equal(ExperimentLayout.Flat, opened.Layout);
        Assert.Equal(["T0/00/run_01 Completed"], RunScanner.Scan(opened, RunQuery.All, _ => { }).Select(r => $"{r.RunId} {r.Status}"));
    }

    [Fact]
    public void Runs_subtests_and_tiers_on_disk_but_not_configured_are_listed_as_unexpected()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        Directory.CreateDirectory(Path.Combine(experiment, "T0", "00", "run_12", "agent"));
        Directory.CreateDirectory(Path.Combine(experiment, "T0", "00", "run_100"));
        Directory.CreateDirectory(Path.Combine(experiment, "T0", "00", "run_1"));
        Directory.CreateDirectory(Path.Combine(experiment, "T0", "00", ".failed", "run_01"));
        Directory.CreateDirectory(Path.Combine(experiment, "T3", "05", "run_01"));

        var runs = Fixtures.Scan(experiment);

        Assert.Equal(["T0/00/run_01", "T0/00/run_02", "T0/00/run_12", "T0/00/run_100", "T3/05/run_01"], runs.Select(r => r.RunId));
        Assert.Equal([true, true, false, false, false], runs.Select(r => r.IsExpected));
        Assert.Equal(RunStatus.Partial, runs[2].Status);
    }

    [Fact]
    public void Expected_runs_that_never_started_are_missing()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 3);

        var runs = Fixtures.Scan(experiment);

        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal((RunStatus.Missing, "Run never started"), (r.Status, r.Reason)));
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    [InlineData(-1, 2)]
    public void Max_subtests_is_a_python_slice(int? maxSubtests, int expected)
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);
        var configPath = Path.Combine(experiment, ExperimentConfig.RelativePath);
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"max_subtests\": null", $"\"max_subtests\": {(maxSubtests?.ToString() ?? "null")}"));

        var tierConfig = TestTierConfig.Write(_temp.Combine("tier-config")); // T0 has 3 subtests
        var expectedRuns = Fixtures.Scan(experiment, tierConfig: tierConfig).Where(r => r.IsExpected).ToList();

        Assert.Equal(expected, expectedRuns.Count);
    }

    [Fact]
    public void Tier_config_is_auto_detected_beside_the_experiment_as_upstream_does()
    {
        var root = _temp.Combine("project");
        Directory.CreateDirectory(Path.Combine(root, "tests", "fixtures", "tests", "test-002"));
        Directory.CreateDirectory(Path.Combine(root, "tests", "fixtures", "tests", "test-001"));
        var shared = Path.Combine(root, "tests", "claude-code", "shared");
        Directory.CreateDirectory(Path.Combine(shared, "subtests", "t0"));
        File.WriteAllText(Path.Combine(shared, "subtests", "t0", "00-empty.yaml"), "name: x\n");
        File.WriteAllText(Path.Combine(shared, "subtests", "t0", "07-other.yaml"), "name: y\n");
        var experiment = Path.Combine(root, "results", "2026-01-20T06-13-07-exp");
        Directory.CreateDirectory(Path.GetDirectoryName(experiment)!);
        Directory.Move(Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1), experiment);

        var opened = Experiment.Open(experiment);
        var runs = Fixtures.Scan(experiment);

        Assert.Equal((TierCatalogSource.AutoDetected, shared), (opened.Catalog.Source, opened.Catalog.Directory));
        Assert.Equal(["T0/00/run_01", "T0/07/run_01"], runs.Select(r => r.RunId));
    }

    [Fact]
    public void Filters_select_tiers_subtests_runs_and_statuses()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed, RunStatus.Failed], tiers: 3, subtests: 2, runs: 2);

        var runs = Fixtures.Scan(experiment, new RunQuery { Tiers = ["t1", "T2"], Subtests = ["01"], RunNumbers = [2], Statuses = [RunStatus.Failed] });

        Assert.Equal(["T1/01/run_02", "T2/01/run_02"], runs.Select(r => r.RunId));
    }

    [Fact]
    public void The_workspace_is_never_read()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        var workspace = Path.Combine(experiment, "T0", "00", "run_01", "workspace");
        Directory.CreateDirectory(Path.Combine(workspace, "T0", "00", "run_05", "agent"));
        File.WriteAllText(Path.Combine(workspace, "run_result.json"), "{ broken");
        Directory.CreateSymbolicLink(Path.Combine(workspace, "loop"), workspace);
        var issues = new List<ScanIssue>();

        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Equal("T0/00/run_01", Assert.Single(runs).RunId);
        Assert.Empty(issues);
    }

    [Fact]
    public void Runs_are_streamed_as_the_scan_goes()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 400);

        using var runs = RunScanner.Scan(Experiment.Open(experiment), RunQuery.All, _ => { }).GetEnumerator();
        Assert.True(runs.MoveNext());
        Assert.Equal("T0/00/run_01", runs.Current.RunId);
        Directory.Delete(Path.Combine(experiment, "T0", "00", "run_400"), true); // not read yet when the first run came out
        var rest = new List<ScyllaRun>();
        while (runs.MoveNext())
        {
            rest.Add(runs.Current);
        }

        Assert.Equal(RunStatus.Missing, rest[^1].Status);
        Assert.All(rest.SkipLast(1), r => Assert.Equal(RunStatus.Completed, r.Status));
    }

    [Fact]
    public void Broken_run_result_and_checkpoint_are_reported_once_and_runs_still_listed()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        var runResult = Path.Combine(experiment, "T0", "00", "run_01", "run_result.json");
        File.WriteAllText(runResult, "{\"judge_score\": 0.");
        File.WriteAllText(Path.Combine(experiment, "checkpoint.json"), "not json");
        var issues = new List<ScanIssue>();

        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Equal(2, runs.Count);
        Assert.Null(runs[0].Score);
        Assert.NotNull(runs[1].Score);
        Assert.All(runs, r => Assert.Null(r.CheckpointStatus));
        Assert.Equal([Path.Combine(experiment, "checkpoint.json"), runResult], issues.Select(i => i.Path));
    }

    [Fact]
    public void Unsupported_checkpoint_version_is_reported_not_fatal()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);
        File.WriteAllText(Path.Combine(experiment, "checkpoint.json"), "{\"version\": \"9.9\"}");
        var issues = new List<ScanIssue>();

        Assert.Single(Fixtures.Scan(experiment, issues: issues));
        Assert.Contains("Incompatible checkpoint version 9.9", Assert.Single(issues).Message);
    }

    [Fact]
    public void Missing_experiment_and_missing_config_have_distinct_errors()
    {
        Assert.Equal("ExperimentNotFound", Assert.Throws<ScyllaException>(() => Experiment.Open(_temp.Combine("nope"))).ErrorId);
        Assert.Equal("ExperimentConfigNotFound", Assert.Throws<ScyllaException>(() => Experiment.Open(_temp.Path)).ErrorId);
    }

    [Theory]
    [InlineData("run_01", 1)]
    [InlineData("run_12", 12)]
    [InlineData("run_100", 100)]
    [InlineData("run_1", 0)]
    [InlineData("run_001", 0)]
    [InlineData("run_+1", 0)]
    [InlineData("run_01_failed_1", 0)]
    [InlineData("workspace", 0)]
    public void Only_canonical_run_folder_names_are_runs(string name, int expected)
    {
        Assert.Equal(expected > 0, Experiment.TryParseRunDirectoryName(name, out var run));
        Assert.Equal(expected, run);
    }

    [Theory]
    [InlineData("T1", "..")]
    [InlineData("T1", "a/b")]
    [InlineData("..", "01")]
    [InlineData("T9", "01")]
    public void Run_ids_that_could_escape_the_experiment_are_refused(string tier, string subtest) =>
        Assert.Equal("InvalidRunId", Assert.Throws<ScyllaException>(() => Experiment.ValidateIds(tier, subtest)).ErrorId);
}
