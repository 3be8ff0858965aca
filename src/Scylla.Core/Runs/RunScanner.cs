using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Tiers;

namespace Scylla.Core.Runs;

/// <summary>A run's identity within its experiment, and whether the configuration asks for it.</summary>
public sealed record RunAddress(string Tier, string Subtest, int RunNumber, bool IsExpected);

/// <summary>
/// Lists an experiment's runs, lazily, in a stable order: the configured tiers, subtests and runs (formats.md §5.3), each
/// subtest followed by the run directories on disk that the configuration does not expect. Only run, agent and judge
/// directories are read.
/// </summary>
public static class RunScanner
{
    /// <summary>How many runs are classified ahead of the consumer: enough to keep every core busy, little enough to stream.</summary>
    private static readonly int s_readAhead = Environment.ProcessorCount * 8;

    /// <summary>
    /// Yields the runs matching <paramref name="query"/>, in scan order, as they are classified. Classification runs on
    /// worker threads a bounded distance ahead; <paramref name="report"/> is always called on the enumerating thread.
    /// </summary>
    public static IEnumerable<ScyllaRun> Scan(Experiment experiment, RunQuery query, Action<ScanIssue> report)
    {
        var checkpoint = LoadCheckpoint(experiment.Path, report);
        var pending = new Queue<(RunAddress Address, Task<(string Path, RunLocation Location, RunClassification Classification)> Work)>();
        foreach (var address in EnumerateAddresses(experiment, query, report))
        {
            pending.Enqueue((address, Task.Run(() => Classify(experiment, address))));
            if (pending.Count >= s_readAhead && Next(pending, experiment, checkpoint, query, report) is { } run)
            {
                yield return run;
            }
        }

        while (pending.Count > 0)
        {
            if (Next(pending, experiment, checkpoint, query, report) is { } run)
            {
                yield return run;
            }
        }
    }

    private static ScyllaRun? Next(
        Queue<(RunAddress Address, Task<(string Path, RunLocation Location, RunClassification Classification)> Work)> pending,
        Experiment experiment, Checkpoint? checkpoint, RunQuery query, Action<ScanIssue> report)
    {
        var (address, work) = pending.Dequeue();
        var (path, location, classification) = work.GetAwaiter().GetResult();
        return query.IncludesStatus(classification.Status) ? ToRun(experiment, checkpoint, address, path, location, classification, report) : null;
    }

    /// <summary>The runs a scan would visit, without classifying them (the status filter is not applied).</summary>
    public static IEnumerable<RunAddress> EnumerateAddresses(Experiment experiment, RunQuery query, Action<ScanIssue> report)
    {
        var configured = experiment.Config.TiersToRun.Distinct().ToList();
        var tiers = configured.Concat(TierId.All.Where(t => !configured.Contains(t) && experiment.TierDirectories(t).Any(d => Directory.Exists(d.Directory))));
        foreach (var tier in tiers.Where(query.IncludesTier))
        {
            var expectedSubtests = configured.Contains(tier) ? ExpectedSubtests(experiment, tier, report) : [];
            var diskSubtests = DiskSubtests(experiment, tier, report);
            foreach (var subtest in expectedSubtests.Concat(diskSubtests.Except(expectedSubtests).Order(StringComparer.Ordinal)).Where(query.IncludesSubtest))
            {
                var expectedRuns = expectedSubtests.Contains(subtest) ? Enumerable.Range(1, Math.Max(0, experiment.Config.RunsPerSubtest)).ToList() : [];
                var diskRuns = DiskRuns(experiment, tier, subtest, report).Except(expectedRuns).Order();
                foreach (var runNumber in expectedRuns.Concat(diskRuns).Where(query.IncludesRun))
                {
                    yield return new RunAddress(tier, subtest, runNumber, expectedRuns.Contains(runNumber));
                }
            }
        }
    }

    /// <summary>Reads one run (which need not exist) as it is now.</summary>
    public static ScyllaRun ReadRun(Experiment experiment, string tier, string subtest, int runNumber, Action<ScanIssue> report)
    {
        Experiment.ValidateIds(tier, subtest);
        var checkpoint = LoadCheckpoint(experiment.Path, report);
        var expected = experiment.Config.TiersToRun.Contains(tier)
            && ExpectedSubtests(experiment, tier, report).Contains(subtest)
            && runNumber >= 1 && runNumber <= experiment.Config.RunsPerSubtest;
        var address = new RunAddress(tier, subtest, runNumber, expected);
        var (path, location, classification) = Classify(experiment, address);
        return ToRun(experiment, checkpoint, address, path, location, classification, report);
    }

    private static (string Path, RunLocation Location, RunClassification Classification) Classify(Experiment experiment, RunAddress address)
    {
        var (path, location) = experiment.LocateRun(address.Tier, address.Subtest, address.RunNumber);
        return (path, location, RunClassifier.Classify(path, experiment.Config.JudgeModels.Count));
    }

    private static ScyllaRun ToRun(Experiment experiment, Checkpoint? checkpoint, RunAddress address, string path, RunLocation location, RunClassification classification, Action<ScanIssue> report)
    {
        foreach (var issue in classification.Issues)
        {
            report(issue);
        }

        var (tier, subtest, runNumber, expected) = address;
        var result = classification.Result;
        return new ScyllaRun
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = tier,
            Subtest = subtest,
            RunNumber = runNumber,
            Status = classification.Status,
            Reason = classification.Reason,
            IsExpected = expected,
            Location = location,
            JudgeSlots = string.Join(',', classification.JudgeSlots),
            CheckpointStatus = checkpoint?.GetRunStatus(tier, subtest, runNumber),
            RunState = checkpoint?.GetRunState(tier, subtest, runNumber),
            Score = result?.Score,
            Passed = result?.Passed,
            Grade = result?.Grade,
            CostUsd = result?.CostUsd,
            DurationSeconds = result?.DurationSeconds,
            Path = path,
            TierConfigPath = experiment.Catalog.Directory,
        };
    }

    private static Checkpoint? LoadCheckpoint(string experimentPath, Action<ScanIssue> report)
    {
        try
        {
            return CheckpointStore.TryLoad(experimentPath);
        }
        catch (ScyllaException e)
        {
            report(new ScanIssue(e.TargetPath ?? CheckpointStore.PathFor(experimentPath), e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report(new ScanIssue(CheckpointStore.PathFor(experimentPath), $"Cannot read '{CheckpointStore.PathFor(experimentPath)}': {e.Message}"));
        }

        return null;
    }

    /// <summary>The configured subtests (the catalog's, else those on disk), with <c>max_subtests</c> applied as a Python slice.</summary>
    private static List<string> ExpectedSubtests(Experiment experiment, string tier, Action<ScanIssue> report)
    {
        var all = experiment.Catalog.Source == TierCatalogSource.Disk
            ? DiskSubtests(experiment, tier, report).Order(StringComparer.Ordinal).ToList()
            : experiment.Catalog.GetSubtests(tier, (path, message) => report(new ScanIssue(path, message))).Select(s => s.Id).ToList();
        var max = experiment.Config.MaxSubtests;
        return max == null ? all : all.Take(max >= 0 ? max.Value : Math.Max(0, all.Count + max.Value)).ToList();
    }

    /// <summary>Subtest directories of a tier (dot-folders such as <c>.failed</c> excluded).</summary>
    private static HashSet<string> DiskSubtests(Experiment experiment, string tier, Action<ScanIssue> report) =>
        experiment.TierDirectories(tier)
            .SelectMany(d => DirectoryListing.Read(d.Directory, Unreadable(report))?.Directories ?? [])
            .Where(TierId.IsValidSubtestId)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Run numbers of the run directories on disk; only canonical names (<c>run_01</c>, <c>run_100</c>) count.</summary>
    private static HashSet<int> DiskRuns(Experiment experiment, string tier, string subtest, Action<ScanIssue> report) =>
        experiment.TierDirectories(tier)
            .SelectMany(d => DirectoryListing.Read(Path.Combine(d.Directory, subtest), Unreadable(report))?.Directories ?? [])
            .Select(name => Experiment.TryParseRunDirectoryName(name, out var run) ? run : 0)
            .Where(run => run > 0)
            .ToHashSet();

    private static Action<string, string> Unreadable(Action<ScanIssue> report) => (path, message) => report(new ScanIssue(path, message));
}
