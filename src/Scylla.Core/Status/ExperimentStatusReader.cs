using System.Security.Cryptography;
using System.Text;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Results;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Status;

/// <summary>
/// Builds <see cref="ScyllaExperiment"/> objects from one run scan and one read of the run results, each a single
/// pass that keeps counts and sums, never the runs (docs/performance.md, "Result files").
/// </summary>
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
        var judges = experiment.Config.JudgeModels.Count;
        // Groups in the order of their first run, as GroupBy gives them; only the experiment's exists without runs.
        var groups = new Dictionary<(string? Tier, string? Subtest), RunCounts>();
        var order = new List<(string? Tier, string? Subtest)>();
        if (level == StatusLevel.Experiment)
        {
            groups[(null, null)] = new RunCounts();
            order.Add((null, null));
        }

        var scannedTiers = new List<string>();
        var expected = 0;
        var allExpectedDone = true;
        using var fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var run in RunScanner.Scan(experiment, new RunQuery { Tiers = tiers?.ToArray() }, report))
        {
            (string? Tier, string? Subtest) key = level switch
            {
                StatusLevel.Experiment => (null, null),
                StatusLevel.Tier => (run.Tier, null),
                _ => (run.Tier, run.Subtest),
            };
            if (!groups.TryGetValue(key, out var counts))
            {
                groups[key] = counts = new RunCounts();
                order.Add(key);
            }

            if (!scannedTiers.Contains(run.Tier))
            {
                scannedTiers.Add(run.Tier);
            }

            var completeSlots = CompleteSlots(run.JudgeSlots);
            counts.Add(run, completeSlots);
            if (run.IsExpected)
            {
                expected++;
                allExpectedDone &= run.Status == RunStatus.Completed && completeSlots == judges;
            }

            fingerprint.AppendData(Encoding.UTF8.GetBytes(
                $"{run.RunId}|{run.Status}|{run.JudgeSlots}|{run.RunState}|{run.CheckpointStatus}\n"));
        }

        var scored = ResultBuilder.Summarize(experiment, ScoreTotals.Of, report)
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
        var bestOnDisk = scannedTiers.Concat(scored.Select(t => t.Tier)).Distinct()
            .ToDictionary(t => t, t => Inheritance.BestSubtestOnDisk(experiment, t));
        var tiersWithBest = string.Join(',',
            bestOnDisk.Where(b => b.Value != null).Select(b => b.Key).Order(StringComparer.Ordinal));
        var hash = Convert.ToHexString(fingerprint.GetHashAndReset())[..16].ToLowerInvariant();
        var completeness = expected > 0 && allExpectedDone ? Completeness.Complete
            : previousFingerprint == hash ? Completeness.Stuck
            : Completeness.Progressing;

        ScyllaExperiment Build((string? Tier, string? Subtest) key, RunCounts counts)
        {
            var (tier, subtest) = key;
            var totals = new ScoreTotals();
            foreach (var (_, subtests) in scored.Where(t => tier == null || t.Tier == tier))
            {
                foreach (var (_, summary) in subtests.Where(s => subtest == null || s.Subtest == subtest))
                {
                    totals.Add(summary);
                }
            }

            return new()
            {
                Level = subtest != null ? StatusLevel.Subtest
                    : tier != null ? StatusLevel.Tier
                    : StatusLevel.Experiment,
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
                ExpectedRuns = counts.ExpectedRuns,
                TotalRuns = counts.TotalRuns,
                Completed = counts.Completed,
                Missing = counts.Missing,
                Failed = counts.Failed,
                Partial = counts.Partial,
                Results = counts.Results,
                RateLimited = counts.RateLimited,
                JudgeSlotsComplete = counts.JudgeSlotsComplete,
                JudgeSlotsExpected = counts.ExpectedRuns * judges,
                ScoredRuns = totals.RunCount,
                PassRate = totals.PassRate,
                MeanScore = totals.MeanScore,
                CostUsd = totals.CostUsd,
                Tokens = totals.Tokens.Total,
                AgentSeconds = totals.AgentSeconds,
                JudgeSeconds = totals.JudgeSeconds,
                TiersWithBestSubtest = tiersWithBest,
                BestSubtest = tier != null && subtest == null ? bestOnDisk.GetValueOrDefault(tier) : null,
                Completeness = completeness,
                Fingerprint = hash,
            };
        }

        return order.Select(key => Build(key, groups[key])).ToList();
    }

    private static int CompleteSlots(string slots) =>
        slots.Split(',', StringSplitOptions.RemoveEmptyEntries).Count(s => s == nameof(JudgeSlotStatus.Complete));
}
