using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Planning;

/// <summary>
/// Plans a re-run (docs/planning.md): one scan of the experiment classifies every run, gives the recorded runs the
/// estimates come from, and finds the chosen runs; each chosen run is then decided as the re-run would decide it. So
/// a dry run costs one scan, however many runs it names, and opens the base repository once at most: only when a run's
/// judges would need the agent's commit on its branch (docs/planning.md, "The agent's work").
/// </summary>
public static class RerunPlanner
{
    /// <summary>
    /// The plan of the chosen runs; <paramref name="workspace"/> names the base repository the re-run would use
    /// (default: the one found beside the experiment).
    /// </summary>
    public static RerunPlan Build(Experiment experiment, RerunSelection selection, bool judgeOnly,
        Action<ScanIssue> report, WorkspaceOptions? workspace = null)
    {
        var options = workspace ?? new WorkspaceOptions();
        var repository = new Lazy<RepositorySession>(() => RepositorySession.Open(
            BaseRepository.Locate(experiment, options.RepositoryPath), options)); // a failure is kept: one per run
        try
        {
            return Build(experiment, selection, judgeOnly, report, repository);
        }
        finally
        {
            if (repository.IsValueCreated)
            {
                repository.Value.Dispose();
            }
        }
    }

    private static RerunPlan Build(Experiment experiment, RerunSelection selection, bool judgeOnly,
        Action<ScanIssue> report, Lazy<RepositorySession> repository)
    {
        var estimator = new RerunEstimator(experiment);
        var byQuery = new List<ScyllaRun>();
        var byAddress = new Dictionary<(string, string, int), ScyllaRun>();
        foreach (var run in RunScanner.Scan(experiment, RunQuery.All, report))
        {
            estimator.Record(run);
            if (selection.MatchesQuery(run))
            {
                byQuery.Add(run);
            }
            else if (selection.HasAddress(run))
            {
                byAddress[(run.Tier, run.Subtest, run.RunNumber)] = run;
            }
        }

        var chosen = byQuery.Select(run => Decide(experiment, estimator, run, judgeOnly, repository)).ToList();
        var inQuery = byQuery.Select(r => (r.Tier, r.Subtest, r.RunNumber)).ToHashSet();
        foreach (var address in selection.Addresses.Where(a => !inQuery.Contains(a)))
        {
            chosen.Add(byAddress.TryGetValue(address, out var run)
                ? Decide(experiment, estimator, run, judgeOnly, repository)
                : ReadAndDecide(experiment, estimator, address, judgeOnly, repository));
        }

        return new RerunPlan
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            PlannedRuns = chosen,
            Lines = chosen.GroupBy(r => (r.Tier, r.Action, RefusalId: r.Refusal?.ErrorId))
                .Select(g => Line(experiment, g.Key.Tier, g.Key.Action, g.Key.RefusalId, g.ToList()))
                .OrderBy(l => TierOrder(experiment, l.Tier)).ThenBy(l => l.Action == null)
                .ThenBy(l => l.Action).ThenBy(l => l.RefusalId)
                .ToList(),
        };
    }

    /// <summary>
    /// The run decided as the re-run decides it (<see cref="RerunDecision"/>), the agent's work looked for as the
    /// re-run looks for it, without reading its patch.
    /// </summary>
    private static PlannedRun Decide(Experiment experiment, RerunEstimator estimator, ScyllaRun run, bool judgeOnly,
        Lazy<RepositorySession> repository)
    {
        try
        {
            var decided = RerunDecision.For(run, judgeOnly);
            var (action, slots, _) = RerunDecision.WithAgentWork(run, decided.Action, decided.Slots,
                experiment.Config.JudgeModels.Count,
                () => AgentWorkPlaces.Find(experiment, run, () => repository.Value, readPatch: false) != null,
                out _);
            var agentCalls = action == RerunAction.RerunAgent ? 1 : 0;
            var (cost, seconds, source) = estimator.Estimate(run.Tier, action, agentCalls, slots.Count);
            return New(experiment, run.Tier, run.Subtest, run.RunNumber, run.Status) with
            {
                Action = action,
                AgentCalls = agentCalls,
                JudgeCalls = slots.Count,
                CostUsd = cost,
                Seconds = seconds,
                EstimateSource = source,
            };
        }
        catch (ScyllaException refusal)
        {
            return New(experiment, run.Tier, run.Subtest, run.RunNumber, run.Status) with { Refusal = refusal };
        }
    }

    /// <summary>A run the scan did not list (not expected, not on disk): read on its own, as the re-run reads it.
    /// </summary>
    private static PlannedRun ReadAndDecide(
        Experiment experiment,
        RerunEstimator estimator,
        (string Tier, string Subtest, int RunNumber) address,
        bool judgeOnly,
        Lazy<RepositorySession> repository)
    {
        try
        {
            var run = RunScanner.ReadRun(experiment, address.Tier, address.Subtest, address.RunNumber, _ => { });
            return Decide(experiment, estimator, run, judgeOnly, repository);
        }
        catch (ScyllaException refusal)
        {
            var run = New(experiment, address.Tier, address.Subtest, address.RunNumber, RunStatus.Missing);
            return run with { Refusal = refusal };
        }
    }

    private static PlannedRun New(
        Experiment experiment, string tier, string subtest, int runNumber, RunStatus status) =>
        new()
    {
        ExperimentId = experiment.Config.ExperimentId,
        ExperimentPath = experiment.Path,
        Tier = tier,
        Subtest = subtest,
        RunNumber = runNumber,
        Status = status,
    };

    private static RerunPlanLine Line(
        Experiment experiment, string tier, RerunAction? action, string? refusalId, List<PlannedRun> runs)
    {
        var estimated = runs.All(r => r.CostUsd != null) && action != null;
        double? Sum(Func<Spread, double> value, Func<PlannedRun, Spread?> of) =>
            estimated ? runs.Sum(r => value(of(r)!)) : null;
        TimeSpan? Seconds(Func<Spread, double> value) =>
            Sum(value, r => r.Seconds) is { } s ? TimeSpan.FromSeconds(s) : null;
        return new RerunPlanLine
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = tier,
            AgentModel = experiment.Config.Models.FirstOrDefault() ?? string.Empty,
            Action = action,
            RefusalId = refusalId,
            Runs = runs.Count,
            AgentCalls = runs.Sum(r => r.AgentCalls),
            JudgeCalls = runs.Sum(r => r.JudgeCalls),
            EstimatedCostUsd = Sum(s => s.Mean, r => r.CostUsd),
            CostLowUsd = Sum(s => s.Min, r => r.CostUsd),
            CostHighUsd = Sum(s => s.Max, r => r.CostUsd),
            EstimatedDuration = Seconds(s => s.Mean),
            DurationLow = Seconds(s => s.Min),
            DurationHigh = Seconds(s => s.Max),
            EstimateSource = action == null ? string.Empty : runs[0].EstimateSource,
            PlannedRuns = runs,
        };
    }

    /// <summary>The configured tiers in their order, then the others in T0..T6 order.</summary>
    private static int TierOrder(Experiment experiment, string tier) => experiment.Config.TiersToRun.Contains(tier)
        ? experiment.Config.TiersToRun.ToList().IndexOf(tier)
        : experiment.Config.TiersToRun.Count + TierId.All.ToList().IndexOf(tier);
}
