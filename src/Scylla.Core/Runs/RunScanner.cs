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
    /// <summary>
    /// How many runs are classified ahead of the consumer: enough to keep every worker busy, little enough to stream
    /// (docs/performance.md, "The scan").
    /// </summary>
    private static readonly int s_readAhead = Environment.ProcessorCount * 16;

    /// <summary>
    /// Yields the runs matching <paramref name="query"/>, in scan order, as they are classified. Classification runs on
    /// worker threads a bounded distance ahead; <paramref name="report"/> is always called on the enumerating thread. A
    /// run the status filter drops has only its listings read.
    /// </summary>
    public static IEnumerable<ScyllaRun> Scan(Experiment experiment, RunQuery query, Action<ScanIssue> report)
    {
        if (experiment.Catalog.Warning is { } warning)
        {
            report(new ScanIssue(experiment.Path, warning));
        }

        var marks = Marks(experiment, report);
        var classified = ReadAhead<RunAddress, ClassifiedRun>.Apply(
            EnumerateAddresses(experiment, query, report),
            address => Classify(experiment, address, query.IncludesStatus),
            workerCount: Environment.ProcessorCount,
            distance: s_readAhead);
        foreach (var run in classified)
        {
            if (run.Classification != null)
            {
                var (tier, subtest, runNumber, _) = run.Address;
                yield return ToRun(experiment, marks.For(tier, subtest, runNumber), run, report);
            }
        }
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
        var expected = experiment.Config.TiersToRun.Contains(tier)
            && ExpectedSubtests(experiment, tier, report).Contains(subtest)
            && runNumber >= 1 && runNumber <= experiment.Config.RunsPerSubtest;
        var address = new RunAddress(tier, subtest, runNumber, expected);
        // what this process wrote last, when the file is still that: a re-run reads its run twice, and a large
        // checkpoint is not parsed for that (docs/performance.md, "Checkpoint updates")
        var marks = Marks(experiment, report).For(tier, subtest, runNumber);
        return ToRun(experiment, marks, Classify(experiment, address, _ => true), report);
    }

    private static ClassifiedRun Classify(Experiment experiment, RunAddress address, Func<RunStatus, bool> wanted)
    {
        var (path, location) = experiment.LocateRun(address.Tier, address.Subtest, address.RunNumber);
        var classification = RunClassifier.ClassifyIfWanted(path, experiment.Config.JudgeModels.Count, wanted);
        return new ClassifiedRun(address, path, location, classification);
    }

    private static ScyllaRun ToRun(
        Experiment experiment, (string? Status, string? State) marks, ClassifiedRun run, Action<ScanIssue> report)
    {
        var classification = run.Classification!;
        foreach (var issue in classification.Issues)
        {
            report(issue);
        }

        var (tier, subtest, runNumber, expected) = run.Address;
        var (path, location) = (run.Path, run.Location);
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
            CheckpointStatus = marks.Status,
            RunState = marks.State,
            Score = result?.Score,
            Passed = result?.Passed,
            Grade = result?.Grade,
            CostUsd = result?.CostUsd,
            DurationSeconds = result?.DurationSeconds,
            AgentDurationSeconds = result?.AgentDurationSeconds,
            JudgeDurationSeconds = result?.JudgeDurationSeconds,
            Path = path,
            TierConfigPath = experiment.Catalog.Directory,
        };
    }

    /// <summary>
    /// The checkpoint's marks: those of the checkpoint this process keeps while the file is still that one, else the
    /// file's.
    /// </summary>
    private static CheckpointMarks Marks(Experiment experiment, Action<ScanIssue> report)
    {
        CheckpointMarks ReadFile() =>
            ReadCheckpoint(experiment.Path, CheckpointMarks.Read, report) ?? CheckpointMarks.None;
        return CheckpointMarks.Kept(experiment.Path, ReadFile) ?? ReadFile();
    }

    /// <summary><paramref name="read"/> of the experiment's checkpoint; null, and an issue, if unreadable.</summary>
    private static T? ReadCheckpoint<T>(
        string experimentPath, Func<string, Action<string>, T?> read, Action<ScanIssue> report)
        where T : class
    {
        try
        {
            var path = CheckpointStore.PathFor(experimentPath);
            return read(experimentPath, warning => report(new ScanIssue(path, warning)));
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

    /// <summary>A run's place, and its classification, or null when the status filter drops it.</summary>
    private sealed record ClassifiedRun(
        RunAddress Address, string Path, RunLocation Location, RunClassification? Classification);

    private static Action<string, string> Unreadable(Action<ScanIssue> report) => (path, message) => report(new ScanIssue(path, message));
}
