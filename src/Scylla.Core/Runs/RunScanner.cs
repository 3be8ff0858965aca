using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
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
public static partial class RunScanner
{
    /// <summary>Yields the runs matching <paramref name="query"/>. <paramref name="report"/> is called on the enumerating thread.</summary>
    public static IEnumerable<ScyllaRun> Scan(Experiment experiment, RunQuery query, Action<ScanIssue> report)
    {
        var checkpoint = LoadCheckpoint(experiment.Path, report);
        foreach (var address in EnumerateAddresses(experiment, query, report))
        {
            var run = Read(experiment, checkpoint, address, report);
            if (query.IncludesStatus(run.Status))
            {
                yield return run;
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
        var checkpoint = LoadCheckpoint(experiment.Path, report);
        var expected = experiment.Config.TiersToRun.Contains(tier)
            && ExpectedSubtests(experiment, tier, report).Contains(subtest)
            && runNumber >= 1 && runNumber <= experiment.Config.RunsPerSubtest;
        return Read(experiment, checkpoint, new RunAddress(tier, subtest, runNumber, expected), report);
    }

    private static ScyllaRun Read(Experiment experiment, Checkpoint? checkpoint, RunAddress address, Action<ScanIssue> report)
    {
        var (tier, subtest, runNumber, expected) = address;
        var (path, location) = experiment.LocateRun(tier, subtest, runNumber);
        var classification = RunClassifier.Classify(path, experiment.Config.JudgeModels.Count);
        var issues = new List<ScanIssue>(classification.Issues);
        var result = RunClassifier.ReadJsonObject(Path.Combine(path, "run_result.json"), issues);
        foreach (var issue in issues)
        {
            report(issue);
        }

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
            Score = Number(result, "judge_score"),
            Passed = result?.TryGetProperty("judge_passed", out var passed) == true && passed.ValueKind is JsonValueKind.True or JsonValueKind.False ? passed.GetBoolean() : null,
            Grade = result?.TryGetProperty("judge_grade", out var grade) == true && grade.ValueKind == JsonValueKind.String ? grade.GetString() : null,
            CostUsd = Number(result, "cost_usd"),
            DurationSeconds = Number(result, "duration_seconds"),
            Path = path,
        };
    }

    private static double? Number(JsonElement? result, string key) =>
        result?.TryGetProperty(key, out var value) == true && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

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
            .Select(name => (Name: name, Match: RunDirectoryPattern().Match(name)))
            .Where(r => r.Match.Success && int.TryParse(r.Match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && Experiment.RunDirectoryName(n) == r.Name)
            .Select(r => int.Parse(r.Match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToHashSet();

    private static Action<string, string> Unreadable(Action<ScanIssue> report) => (path, message) => report(new ScanIssue(path, message));

    [GeneratedRegex("^run_([0-9]{2,9})$")]
    private static partial Regex RunDirectoryPattern();
}
