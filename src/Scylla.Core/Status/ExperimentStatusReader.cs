using System.Security.Cryptography;
using System.Text;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Results;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Status;

/// <summary>Builds <see cref="ScyllaExperiment"/> objects from one run scan and one read of the run results.</summary>
public static class ExperimentStatusReader
{
    /// <summary>
    /// The experiment, or each of its tiers or subtests (<paramref name="level"/>), limited to <paramref name="tiers"/>
    /// when given. <paramref name="previousFingerprint"/> is the <see cref="ScyllaExperiment.Fingerprint"/> of an
    /// earlier call: when it is equal, no run changed and an incomplete experiment is Stuck (RunnerAlive tells
    /// whether a runner is still at it).
    /// </summary>
    public static IReadOnlyList<ScyllaExperiment> Read(Experiment experiment, StatusLevel level,
        IReadOnlyCollection<string>? tiers, string? previousFingerprint, Action<ScanIssue> report)
    {
        var query = new RunQuery { Tiers = tiers?.ToArray() };
        var runs = RunScanner.Scan(experiment, query, report).ToList();
        var aggregates = ResultBuilder.Aggregate(experiment, report)
            .Where(t => tiers == null || tiers.Contains(t.Tier)).ToList();
        Checkpoint? checkpoint = null;
        try
        {
            checkpoint = CheckpointStore.TryLoad(experiment.Path);
        }
        catch (ScyllaException)
        {
            // the scan has reported it already
        }

        var runner = checkpoint == null ? null : CheckpointHealth.Check(checkpoint, experiment.Path);
        var liveRunner = Execution.LiveRunner.Find(experiment.Path, checkpoint); // any host, with or without a checkpoint
        var bestOnDisk = runs.Select(r => r.Tier).Concat(aggregates.Select(a => a.Tier)).Distinct()
            .ToDictionary(t => t, t => Inheritance.BestSubtestOnDisk(experiment, t));
        var tiersWithBest = string.Join(',',
            bestOnDisk.Where(b => b.Value != null).Select(b => b.Key).Order(StringComparer.Ordinal));
        var fingerprint = Fingerprint(runs);
        var complete = IsComplete(runs, experiment.Config.JudgeModels.Count);
        var completeness = complete ? Completeness.Complete
            : previousFingerprint == fingerprint ? Completeness.Stuck
            : Completeness.Progressing;

        ScyllaExperiment Build(
            string? tier, string? subtest, List<ScyllaRun> group, List<SubtestAggregate> scored) => new()
        {
            Level = subtest != null ? StatusLevel.Subtest : tier != null ? StatusLevel.Tier : StatusLevel.Experiment,
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = tier,
            Subtest = subtest,
            Layout = experiment.Layout,
            CheckpointVersion = checkpoint?.SourceVersion,
            CheckpointStatus = checkpoint?.Status,
            RunnerPid = runner?.RunnerPid ?? CheckpointHealth.ReadPidFile(experiment.Path),
            RunnerAlive = liveRunner != null,
            HeartbeatAgeSeconds = runner?.HeartbeatAge?.TotalSeconds,
            IsZombie = runner?.IsZombie == true,
            ExpectedRuns = group.Count(r => r.IsExpected),
            TotalRuns = group.Count,
            Completed = group.Count(r => r.Status == RunStatus.Completed),
            Missing = group.Count(r => r.Status == RunStatus.Missing),
            Failed = group.Count(r => r.Status == RunStatus.Failed),
            Partial = group.Count(r => r.Status == RunStatus.Partial),
            Results = group.Count(r => r.Status == RunStatus.Results),
            RateLimited = group.Count(r => r.Status == RunStatus.RateLimited),
            JudgeSlotsComplete = group.Where(r => r.IsExpected).Sum(r => CompleteSlots(r.JudgeSlots)),
            JudgeSlotsExpected = group.Count(r => r.IsExpected) * experiment.Config.JudgeModels.Count,
            ScoredRuns = scored.Sum(s => s.RunCount),
            PassRate = scored.Count == 0 ? null : (double)scored.Sum(s => s.Passed) / scored.Sum(s => s.RunCount),
            MeanScore = scored.Count == 0
                ? null
                : PythonStatistics.Mean(scored.SelectMany(s => s.Runs.Select(r => r.Score)).ToList()),
            CostUsd = PythonStatistics.Sum(scored.Select(s => s.TotalCost)),
            Tokens = TokenCounts.Sum(scored.Select(s => s.Tokens)).Total,
            AgentSeconds = PythonStatistics.Sum(scored.Select(s => s.AgentSeconds)),
            JudgeSeconds = PythonStatistics.Sum(scored.Select(s => s.JudgeSeconds)),
            TiersWithBestSubtest = tiersWithBest,
            BestSubtest = tier != null && subtest == null ? bestOnDisk.GetValueOrDefault(tier) : null,
            Completeness = completeness,
            Fingerprint = fingerprint,
        };

        var allScored = aggregates.SelectMany(a => a.Subtests).ToList();
        return level switch
        {
            StatusLevel.Experiment => [Build(null, null, runs, allScored)],
            StatusLevel.Tier => runs.GroupBy(r => r.Tier)
                .Select(g => Build(g.Key, null, g.ToList(), allScored.Where(s => s.Tier == g.Key).ToList())).ToList(),
            _ => runs.GroupBy(r => (r.Tier, r.Subtest)).Select(g => Build(g.Key.Tier, g.Key.Subtest, g.ToList(),
                allScored.Where(s => s.Tier == g.Key.Tier && s.Subtest == g.Key.Subtest).ToList())).ToList(),
        };
    }

    /// <summary>Complete: every expected run (at least one) is Completed with all its judge slots Complete.</summary>
    private static bool IsComplete(List<ScyllaRun> runs, int judges)
    {
        var expected = runs.Where(r => r.IsExpected).ToList();
        return expected.Count > 0
            && expected.All(r => r.Status == RunStatus.Completed && CompleteSlots(r.JudgeSlots) == judges);
    }

    private static int CompleteSlots(string slots) =>
        slots.Split(',', StringSplitOptions.RemoveEmptyEntries).Count(s => s == nameof(JudgeSlotStatus.Complete));

    /// <summary>16 hex digits of a SHA-256 over every run's id, status, judge slots and checkpoint state.</summary>
    private static string Fingerprint(List<ScyllaRun> runs)
    {
        var text = new StringBuilder();
        foreach (var run in runs)
        {
            text.Append(run.RunId).Append('|').Append(run.Status).Append('|').Append(run.JudgeSlots).Append('|')
                .Append(run.RunState).Append('|').Append(run.CheckpointStatus).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}
