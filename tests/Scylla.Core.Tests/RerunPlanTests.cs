using System.Text.Json.Nodes;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>
/// The plan against a generated experiment whose Completed runs record known costs and durations: T0's runs recorded
/// 1 or 3 USD, 100 or 300 agent seconds and 30 or 60 judge seconds (3 judges); T1 has no Completed run, so it borrows
/// every tier's figures.
/// </summary>
public sealed class RerunPlanTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _path;

    public RerunPlanTests()
    {
        RunStatus[] pattern =
            [RunStatus.Completed, RunStatus.Completed, RunStatus.Missing, RunStatus.Failed, RunStatus.Results];
        _path = Fixtures.Generate(_temp, pattern, tiers: 2, subtests: 2, runs: 5);
        foreach (var run in Fixtures.Scan(_path).Where(r => r.Status == RunStatus.Completed))
        {
            var resultPath = Path.Combine(run.Path, "run_result.json");
            if (run.Tier == "T1")
            {
                File.Delete(resultPath); // the agent's work stays: a Results run
                continue;
            }

            var result = JsonNode.Parse(File.ReadAllText(resultPath))!.AsObject();
            var (cost, agent, judges) = run.RunNumber == 1 ? (1.0, 100.0, 30.0) : (3.0, 300.0, 60.0);
            result["cost_usd"] = cost;
            result["agent_duration_seconds"] = agent;
            result["judge_duration_seconds"] = judges;
            result["duration_seconds"] = agent + judges;
            File.WriteAllText(resultPath, result.ToJsonString());
        }
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Counts_the_runs_and_calls_per_tier_and_action_and_estimates_from_the_recorded_runs()
    {
        var plan = Plan(new RunQuery
        {
            Statuses = [RunStatus.Missing, RunStatus.Failed, RunStatus.Partial, RunStatus.Results],
        });

        var lines = plan.Lines.Select(l => $"{l.Tier} {l.Action} {l.Runs} {l.AgentCalls} {l.JudgeCalls}").ToList();
        Assert.Equal(
            ["T0 RerunAgent 4 4 12", "T0 Regenerate 2 0 0", "T1 RerunAgent 4 4 12", "T1 Regenerate 6 0 0"], lines);

        // Per run: mean 2 USD (1-3); agent 200 s (100-300) plus 3 judge calls of 15 s (10-20).
        var t0 = plan.Lines[0];
        Assert.Equal((8.0, 4.0, 12.0), (t0.EstimatedCostUsd!.Value, t0.CostLowUsd!.Value, t0.CostHighUsd!.Value));
        Assert.Equal((980.0, 520.0, 1440.0), (t0.EstimatedDuration!.Value.TotalSeconds,
            t0.DurationLow!.Value.TotalSeconds, t0.DurationHigh!.Value.TotalSeconds));
        Assert.Equal("T0 (4 runs)", t0.EstimateSource);
        var t1 = plan.Lines[2];
        Assert.Equal((8.0, 980.0), (t1.EstimatedCostUsd!.Value, t1.EstimatedDuration!.Value.TotalSeconds));
        Assert.Equal("all tiers (4 runs)", t1.EstimateSource);
        Assert.Equal((0.0, 0.0),
            (plan.Lines[1].EstimatedCostUsd!.Value, plan.Lines[3].EstimatedDuration!.Value.TotalSeconds));

        Assert.Equal((16, 0, 8, 24, 16.0, 8.0, 24.0), (plan.Runs, plan.Refused, plan.AgentCalls, plan.JudgeCalls,
            plan.EstimatedCostUsd, plan.CostLowUsd, plan.CostHighUsd));
        Assert.Equal(1960.0, plan.EstimatedDuration.TotalSeconds);
        Assert.Equal(0, plan.RunsWithoutEstimate);
    }

    [Fact]
    public void Decides_each_run_as_the_re_run_does_refusals_included_in_the_order_given()
    {
        var selection = new RerunSelection();
        selection.Add("T0", "00", 3);
        selection.Add("T0", "00", 1); // Completed
        selection.Add("T0", "00", 3); // given twice, planned once

        var plan = RerunPlanner.Build(Experiment.Open(_path), selection, judgeOnly: false, _ => { });

        Assert.Equal(["T0/00/run_03", "T0/00/run_01"], plan.PlannedRuns.Select(r => r.RunId));
        Assert.Equal(RerunAction.RerunAgent, plan.PlannedRuns[0].Action);
        Assert.Null(plan.PlannedRuns[1].Action);
        Assert.Equal("RunAlreadyCompleted", plan.PlannedRuns[1].Refusal!.ErrorId);
        Assert.Equal((1, 1), (plan.Runs, plan.Refused));
        Assert.Contains(plan.Describe(),
            line => line.Contains("refused (RunAlreadyCompleted): 1 runs: T0/00/run_01", StringComparison.Ordinal));
    }

    [Fact]
    public void Plans_judge_only_runs_as_judge_calls_without_cost()
    {
        var run = Fixtures.Scan(_path).First(r => r.Tier == "T0" && r.Status == RunStatus.Completed);
        Directory.Delete(Path.Combine(run.Path, "judge", "judge_02"), recursive: true);

        var query = new RunQuery { Tiers = ["T0"], Subtests = [run.Subtest], RunNumbers = [run.RunNumber] };

        var plan = Plan(query, judgeOnly: true);

        var line = Assert.Single(plan.Lines);
        Assert.Equal(
            (RerunAction.RerunJudges, 1, 0, 1), (line.Action!.Value, line.Runs, line.AgentCalls, line.JudgeCalls));
        Assert.Equal((0.0, 15.0), (line.EstimatedCostUsd!.Value, line.EstimatedDuration!.Value.TotalSeconds));
    }

    [Fact]
    public void Gives_no_estimate_when_no_run_recorded_one()
    {
        var fresh = Fixtures.Generate(_temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 2);

        var plan = RerunPlanner.Build(Experiment.Open(fresh), Select(RunQuery.All), judgeOnly: false, _ => { });

        Assert.Equal((2, 2), (plan.Runs, plan.RunsWithoutEstimate));
        Assert.Null(plan.Lines[0].EstimatedCostUsd);
        Assert.Equal("none", plan.Lines[0].EstimateSource);
        Assert.Contains(
            "2 runs have no recorded run to estimate from", plan.Describe().First(), StringComparison.Ordinal);
        Assert.Contains("cost unknown, time unknown", plan.Describe().ElementAt(1), StringComparison.Ordinal);
    }

    [Fact]
    public void The_budget_holds_back_the_run_that_would_cross_it_and_every_later_one()
    {
        var budget = new RerunBudget(maxCostUsd: 5, maxRuns: null);

        Assert.True(budget.TryStart(2));
        Assert.True(budget.TryStart(2));
        Assert.False(budget.TryStart(2)); // 4 running + 2 > 5
        budget.Finish(2, recordedUsd: 0.5);
        Assert.False(budget.TryStart(0.1)); // held back for good: the batch ends
        Assert.Equal(0.5, budget.SpentUsd);
        Assert.StartsWith("-MaxCost 5.00", budget.Exhausted, StringComparison.Ordinal);

        var runs = new RerunBudget(maxCostUsd: null, maxRuns: 1);
        Assert.True(runs.TryStart(100));
        Assert.False(runs.TryStart(0));
        var held = runs.HeldBack(new PlannedRun { Tier = "T0", Subtest = "00", RunNumber = 2 });
        Assert.Equal((RerunOutcome.Skipped, "MaxRunsReached"), (held.Outcome, held.ErrorId));
    }

    private RerunPlan Plan(RunQuery query, bool judgeOnly = false) =>
        RerunPlanner.Build(Experiment.Open(_path), Select(query), judgeOnly, _ => { });

    private static RerunSelection Select(RunQuery query)
    {
        var selection = new RerunSelection();
        selection.Add(query);
        return selection;
    }
}
