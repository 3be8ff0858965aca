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
    public void A_plain_checkpoint_lists_the_values_the_full_loader_reads()
    {
        var experiment = Fixtures.Generate(
            _temp, [RunStatus.Completed, RunStatus.Results, RunStatus.Missing], tiers: 2, subtests: 2, runs: 3);
        var path = CheckpointStore.PathFor(experiment);
        var checkpoint = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        checkpoint["run_states"]!["T0"]!["00"]!["2"] = "agent_complete";
        checkpoint["completed_runs"]!["T1"]!["01"]!["3"] = "failed";
        File.WriteAllText(path, checkpoint.ToJsonString());

        AssertListedAsLoaded(experiment, expectedMarks: 10);
    }

    /// <summary>Files the fast reader leaves to the full loader: migrations and quirks come out the same.</summary>
    [Theory]
    [InlineData("3.0", """{"1": "run_complete", "2": "agent_ready"}""", """{"1": "passed"}""", 3)]
    [InlineData("2.0", "{}", """{"1": "passed", "2": "agent_complete"}""", 4)]
    [InlineData("3.1", """{"1": "report_written"}""", """{"01": "passed", "2": "failed"}""", 3)]
    [InlineData("3.1", """{"1": "report_written", "abc": "pending"}""", """{"1": "passed", "1": "failed"}""", 2)]
    public void A_checkpoint_that_needs_migration_or_repair_lists_what_the_full_loader_reads(
        string version, string runStates, string completedRuns, int expectedMarks)
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 3);
        File.WriteAllText(CheckpointStore.PathFor(experiment),
            $$"""{"version": "{{version}}", "experiment_id": "x", "pid": NaN, """
            + $$""" "run_states": {"T0": {"00": {{runStates}} } }, """
            + $$""" "completed_runs": {"T0": {"00": {{completedRuns}} } } }""");

        AssertListedAsLoaded(experiment, expectedMarks);
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

    private static void AssertListedAsLoaded(string experiment, int expectedMarks)
    {
        var loaded = CheckpointStore.TryLoad(experiment)!;
        var issues = new List<ScanIssue>();
        var runs = Fixtures.Scan(experiment, issues: issues);

        Assert.Empty(issues);
        Assert.Equal(
            runs.Select(r => $"{r.RunId} {loaded.GetRunStatus(r.Tier, r.Subtest, r.RunNumber)}"
                + $" {loaded.GetRunState(r.Tier, r.Subtest, r.RunNumber)}"),
            runs.Select(r => $"{r.RunId} {r.CheckpointStatus} {r.RunState}"));
        Assert.Equal(expectedMarks, runs.Sum(r => (r.CheckpointStatus == null ? 0 : 1) + (r.RunState == null ? 0 : 1)));
    }

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
