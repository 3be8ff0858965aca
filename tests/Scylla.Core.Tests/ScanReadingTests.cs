using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>
/// What the scan reads to answer (docs/performance.md, "The scan"): a filtered scan gives exactly the filtered runs of
/// a full one while reading no JSON file of a run it drops; the checkpoint read for a listing says what the full
/// loader says.
/// </summary>
public sealed class ScanReadingTests : IDisposable
{
    private static readonly RunStatus[] s_allStatuses = Enum.GetValues<RunStatus>();

    private static readonly RunStatus[] s_fivePattern =
        [RunStatus.Completed, RunStatus.Missing, RunStatus.Failed, RunStatus.Partial, RunStatus.Results];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_status_filter_gives_exactly_those_runs_of_the_full_scan_field_for_field()
    {
        var experiment = Fixtures.Generate(_temp, s_fivePattern, tiers: 2, subtests: 2, runs: 6);
        RateLimit(Path.Combine(experiment, "T0", "00", "run_01")); // listed Completed, read RateLimited
        RateLimit(Path.Combine(experiment, "T0", "00", "run_03")); // listed Failed, read RateLimited
        var all = Fixtures.Scan(experiment).Select(Describe).ToList();
        Assert.Equal(2, all.Count(line => Has(line, RunStatus.RateLimited)));

        foreach (var status in s_allStatuses)
        {
            var filtered = Fixtures.Scan(experiment, new RunQuery { Statuses = [status] }).Select(Describe);

            Assert.Equal(all.Where(line => Has(line, status)), filtered);
        }

        var failedOrMissing = new RunQuery { Statuses = [RunStatus.Missing, RunStatus.Failed] };
        Assert.Equal(all.Where(line => Has(line, RunStatus.Missing) || Has(line, RunStatus.Failed)),
            Fixtures.Scan(experiment, failedOrMissing).Select(Describe));
    }

    [Fact]
    public void A_run_the_status_filter_drops_has_none_of_its_JSON_files_opened()
    {
        var experiment = Fixtures.Generate(
            _temp, [RunStatus.Completed, RunStatus.Completed, RunStatus.Missing], tiers: 1, subtests: 1, runs: 3);
        var runs = new[] { "run_01", "run_02" }.Select(run => Path.Combine(experiment, "T0", "00", run)).ToList();
        var agentResults = runs.Select(run => Path.Combine(run, "agent", "result.json")).ToList();
        var otherJson = runs.SelectMany(run => new[] { 1, 2, 3 }
            .Select(slot => Path.Combine(run, "judge", $"judge_0{slot}", "judgment.json"))
            .Append(Path.Combine(run, "run_result.json"))).ToList();
        using var watch = new FileOpenWatch(agentResults.Concat(otherJson));

        var missing = Fixtures.Scan(experiment, new RunQuery { Statuses = [RunStatus.Missing] });
        var openedForMissing = watch.TakeOpened();
        var rateLimited = Fixtures.Scan(experiment, new RunQuery { Statuses = [RunStatus.RateLimited] });
        var openedForRateLimited = watch.TakeOpened();
        Fixtures.Scan(experiment);
        var openedForAll = watch.TakeOpened();

        Assert.Equal(["T0/00/run_03"], missing.Select(r => r.RunId));
        Assert.Empty(openedForMissing);
        Assert.Empty(rateLimited);
        Assert.Equal(agentResults.Order(), openedForRateLimited.Order()); // only what can make a run RateLimited
        Assert.Equal(agentResults.Concat(otherJson).Order(), openedForAll.Distinct().Order());
    }

    [Fact]
    public void A_plain_checkpoint_lists_each_runs_values_as_the_file_has_them()
    {
        var experiment = Fixtures.Generate(
            _temp, [RunStatus.Completed, RunStatus.Results, RunStatus.Missing], tiers: 2, subtests: 2, runs: 3);
        var path = CheckpointStore.PathFor(experiment);
        var file = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        file["run_states"]!["T0"]!["00"]!["2"] = "agent_complete";
        file["completed_runs"]!["T1"]!["01"]!["3"] = "failed";
        File.WriteAllText(path, file.ToJsonString());
        string? InFile(string map, ScyllaRun run) =>
            file[map]?[run.Tier]?[run.Subtest]?[run.RunNumber.ToString()]?.GetValue<string>();

        var issues = new List<ScanIssue>();
        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Empty(issues);
        Assert.Equal(runs.Select(r => $"{r.RunId} {InFile("completed_runs", r)}/{InFile("run_states", r)}"),
            Marks(runs));
        Assert.Equal(10, runs.Sum(r => (r.CheckpointStatus == null ? 0 : 1) + (r.RunState == null ? 0 : 1)));
    }

    /// <summary>Files the fast reader leaves to the full loader, listed with its migrations and repairs.</summary>
    [Theory]
    [InlineData("3.0", """{"1": "run_complete", "2": "agent_ready"}""", """{"1": "passed"}""",
        "passed/report_written, /replay_generated, /")]
    [InlineData("2.0", "{}", """{"1": "passed", "2": "agent_complete"}""",
        "passed/report_written, agent_complete/agent_complete, /")]
    [InlineData("3.1", """{"1": "report_written"}""", """{"01": "passed", "2": "failed"}""",
        "passed/report_written, failed/, /")]
    [InlineData("3.1", """{"1": "report_written", "abc": "pending"}""", """{"1": "passed", "1": "failed"}""",
        "failed/report_written, /, /")]
    [InlineData("3.1", """{"01": "pending"}""", "{}", "/, /, /")] // only completed_runs keys are rewritten
    [InlineData("3.1", """{"1": "report_written"}""", """{"2": "failed"}""",
        "/report_written, failed/, /", "\"rate_limit_until\": NaN,")]
    public void A_checkpoint_that_needs_migration_or_repair_is_listed_migrated(
        string version, string runStates, string completedRuns, string expected, string extra = "")
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 3);
        File.WriteAllText(CheckpointStore.PathFor(experiment),
            $$"""{"version": "{{version}}", "experiment_id": "x", {{extra}} """
            + $$""" "run_states": {"T0": {"00": {{runStates}} } }, """
            + $$""" "completed_runs": {"T0": {"00": {{completedRuns}} } } }""");
        var issues = new List<ScanIssue>();

        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Empty(issues);
        Assert.Equal(expected.Split(", ").Select((marks, i) => $"T0/00/run_0{i + 1} {marks}"), Marks(runs));
    }

    [Theory]
    [InlineData("""{"version": "3.1", "run_states": {"T0": {"00": {"1": 5}}}}""")]
    [InlineData("""{"version": "3.1", "run_states": {"T0": {"00": {"1": "pending"}}}} and more""")]
    public void An_invalid_checkpoint_is_one_issue_and_the_runs_are_listed_without_marks(string checkpoint)
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 2);
        File.WriteAllText(CheckpointStore.PathFor(experiment), checkpoint);
        var issues = new List<ScanIssue>();

        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Equal(CheckpointStore.PathFor(experiment), Assert.Single(issues).Path);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run => Assert.Null(run.RunState));
    }

    private static IEnumerable<string> Marks(IEnumerable<ScyllaRun> runs) =>
        runs.Select(r => $"{r.RunId} {r.CheckpointStatus}/{r.RunState}");

    private static bool Has(string described, RunStatus status) =>
        described.Contains($" {status} ", StringComparison.Ordinal);

    private static string Describe(ScyllaRun run) =>
        $"{run.RunId} {run.Status} {run.Reason}|{run.JudgeSlots}|{run.Score}|{run.Passed}|{run.Grade}|{run.CostUsd}"
        + $"|{run.DurationSeconds}|{run.CheckpointStatus}|{run.RunState}|{run.Location}|{run.IsExpected}";

    private static void RateLimit(string run) =>
        File.WriteAllText(Path.Combine(run, "agent", "result.json"), new JsonObject
        {
            ["exit_code"] = 1, ["stdout"] = "", ["stderr"] = "API Error: 429 Too Many Requests", ["cost_usd"] = 0.0,
            ["token_stats"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
        }.ToJsonString());
}
