using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Results;

/// <summary>
/// Rebuilds the subtest, tier and experiment result files from the runs on disk (docs/results.md), the way the Python
/// tool aggregates them. Each file is replaced atomically; rebuilds of one experiment in this process take turns.
/// The re-run engine calls <see cref="RebuildTier"/> when a tier's runs of a batch have ended (T5 reads its parents'
/// best subtests) and <see cref="RebuildExperiment"/> at the end of the batch.
/// </summary>
public static class ResultBuilder
{
    public const string ResultFile = RunFolder.Result;
    public const string BestSubtestFile = "best_subtest.json";
    public const string ReportFile = RunFolder.ReportJson;
    public const string ReportMarkdownFile = RunFolder.ReportMarkdown;
    public const string SummaryFile = "summary.md";
    public const string TierComparisonFile = "tier_comparison.json";
    public const string BackupFile = "result.json.backup";

    private static readonly ConcurrentDictionary<string, object> s_experimentLocks = new(StringComparer.Ordinal);
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Rewrites one subtest's <c>report.json</c> and <c>report.md</c>.</summary>
    public static ResultRebuild RebuildSubtest(Experiment experiment, string tier, string subtest) =>
        Rebuild(experiment, ResultScope.Subtest, [tier], subtest, write: true);

    /// <summary>Rewrites a tier's <c>result.json</c>, <c>best_subtest.json</c>, reports and subtest reports.</summary>
    public static ResultRebuild RebuildTier(Experiment experiment, string tier) =>
        Rebuild(experiment, ResultScope.Tier, [tier], null, write: true);

    /// <summary>Rewrites the files of <paramref name="tiers"/> (all when null) and the experiment's own.</summary>
    public static ResultRebuild RebuildExperiment(Experiment experiment, IReadOnlyCollection<string>? tiers = null) =>
        Rebuild(experiment, ResultScope.Experiment, tiers, null, write: true);

    /// <summary>What the matching Rebuild call would write; the runs are read, nothing is written (-WhatIf).</summary>
    public static ResultRebuild Plan(
        Experiment experiment, ResultScope scope, IReadOnlyCollection<string>? tiers = null, string? subtest = null) =>
        Rebuild(experiment, scope, tiers, subtest, write: false);

    /// <summary>The folder of a tier's result files: <c>E/T0</c>, or <c>E/completed/T0</c> (phase layout).</summary>
    public static string TierDirectory(Experiment experiment, string tier) =>
        ResultRunReader.TierDirectory(experiment, tier);

    /// <summary>
    /// Every tier on disk with its subtests that have a counted run, each subtest's runs reduced by
    /// <paramref name="summarize"/> as soon as they are read, so no run is kept (Get-ScyllaExperiment;
    /// docs/performance.md, "Result files"). Writes nothing.
    /// </summary>
    internal static List<(string Tier, List<(string Subtest, T Summary)> Subtests)> Summarize<T>(
        Experiment experiment, Func<IReadOnlyList<ResultRun>, T> summarize, Action<ScanIssue> report)
        where T : class =>
        ResultRunReader.TiersOnDisk(experiment)
            .Select(t => (t, ReadSubtests(experiment, t, null, (_, runs) => summarize(runs), report)))
            .ToList();

    private static ResultRebuild Rebuild(
        Experiment experiment, ResultScope scope, IReadOnlyCollection<string>? tiers, string? subtest, bool write)
    {
        foreach (var tier in tiers ?? [])
        {
            Experiment.ValidateIds(tier, subtest ?? "00");
        }

        if (scope != ResultScope.Experiment && tiers is not { Count: 1 })
        {
            throw new ArgumentException("A subtest or tier rebuild names exactly one tier.", nameof(tiers));
        }

        var issues = new List<ScanIssue>();
        // Each file is written when its turn comes, so at most one is in memory (docs/performance.md, "Result files").
        var files = new List<(string Path, Action<Stream> Write)>();
        var generatedAt = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        // Read and written as one step across processes too (docs/format.md, "Leases"): the last writer read the newest runs.
        using var resultsLock = write ? FileLock.Acquire(Path.Combine(
            RunLease.EnsureFolder(experiment.Path, $"The results of '{experiment.Path}'"), "results.lock"), s_lockTimeout) : null;
        lock (s_experimentLocks.GetOrAdd(experiment.Path, _ => new object()))
        {
            var aggregated = scope == ResultScope.Experiment
                ? ResultRunReader.TiersOnDisk(experiment)
                    .Select(t => AggregateTier(experiment, t, null, issues.Add)).ToList()
                : [AggregateTier(experiment, tiers!.First(), subtest, issues.Add)];
            var rebuilt = aggregated.Where(t => tiers == null || tiers.Contains(t.Tier)).ToList();
            foreach (var tier in rebuilt)
            {
                AddTierFiles(experiment, tier, scope, generatedAt, files, issues);
            }

            if (scope == ResultScope.Experiment)
            {
                var withBest = aggregated.Where(t => t.Selection != null).ToList();
                AddExperimentFiles(experiment, withBest, generatedAt, files, issues);
            }

            if (write)
            {
                foreach (var (path, writeContent) in files)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                    AtomicFile.Write(path, writeContent);
                }
            }

            return new ResultRebuild(experiment.Path, !write, files.Select(f => f.Path).ToList(), rebuilt, issues);
        }
    }

    private static TierAggregate AggregateTier(
        Experiment experiment, string tier, string? onlySubtest, Action<ScanIssue> report) =>
        new(tier, ReadSubtests(experiment, tier, onlySubtest,
            (subtest, runs) => new SubtestAggregate(tier, subtest, runs), report).Select(s => s.Summary).ToList());

    /// <summary>
    /// The subtests of a tier that have a counted run, in id order, each as <paramref name="summarize"/> gives it.
    /// </summary>
    private static List<(string Subtest, T Summary)> ReadSubtests<T>(Experiment experiment, string tier,
        string? onlySubtest, Func<string, List<ResultRun>, T> summarize, Action<ScanIssue> report)
        where T : class
    {
        var subtests = onlySubtest != null ? [onlySubtest] : ResultRunReader.Subtests(experiment, tier, report);

        // Subtests are read in parallel; their issues are reported in subtest order.
        var read = subtests.AsParallel().AsOrdered().Select(subtest =>
        {
            var issues = new List<ScanIssue>();
            var runs = ResultRunReader.Runs(experiment, tier, subtest, issues.Add);
            return (Subtest: subtest, Summary: runs.Count > 0 ? summarize(subtest, runs) : null, Issues: issues);
        }).ToList();
        foreach (var issue in read.SelectMany(r => r.Issues))
        {
            report(issue);
        }

        return read.Where(r => r.Summary != null).Select(r => (r.Subtest, r.Summary!)).ToList();
    }

    private static void AddTierFiles(Experiment experiment, TierAggregate tier, ResultScope scope, string generatedAt,
        List<(string, Action<Stream>)> files, List<ScanIssue> issues)
    {
        var directory = TierDirectory(experiment, tier.Tier);
        foreach (var subtest in tier.Subtests)
        {
            var subtestDirectory = Path.Combine(directory, subtest.Subtest);
            var report = ResultDocuments.SubtestReport(subtest, generatedAt);
            files.Add((Path.Combine(subtestDirectory, ReportFile), Json(report)));
            var markdown = ResultMarkdown.SubtestReport(subtest, generatedAt);
            files.Add((Path.Combine(subtestDirectory, ReportMarkdownFile), Text(markdown)));
        }

        if (scope == ResultScope.Subtest)
        {
            return;
        }

        if (tier.Selection == null)
        {
            issues.Add(new ScanIssue(directory,
                $"{tier.Tier} has no run with a result yet; its tier result files were left as they are."));
            return;
        }

        var previous = PreviousResult.Read(Path.Combine(directory, ResultFile), issues);
        var phase = experiment.Layout == ExperimentLayout.Phase;
        var runs = new StreamedRuns();
        var result = ResultDocuments.TierResult(tier, previous, runs, costOfPassLast: phase);
        var duration = ResultDocuments.Kept(previous, "total_duration");
        files.Add((Path.Combine(directory, ResultFile), AtomicFile.Text(writer => runs.Write(writer, result))));
        files.Add((Path.Combine(directory, BestSubtestFile), Json(tier.Selection.ToJson())));
        files.Add((Path.Combine(directory, ReportFile), Json(ResultDocuments.TierReport(tier, duration, generatedAt))));
        files.Add((Path.Combine(directory, ReportMarkdownFile),
            Text(ResultMarkdown.TierReport(tier, duration, generatedAt))));
        files.Add((Path.Combine(directory, SummaryFile), Text(ResultMarkdown.TierSummary(tier))));
    }

    private static void AddExperimentFiles(Experiment experiment, List<TierAggregate> tiers, string generatedAt,
        List<(string, Action<Stream>)> files, List<ScanIssue> issues)
    {
        if (tiers.Count == 0)
        {
            issues.Add(new ScanIssue(experiment.Path,
                "No tier has a run with a result yet; the experiment result files were left as they are."));
            return;
        }

        var resultPath = Path.Combine(experiment.Path, ResultFile);
        var previous = PreviousResult.Read(resultPath, issues);

        // Tiers keep the order the previous result listed them in (upstream writes them as they finish).
        var order = (previous?["tier_results"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];
        tiers = tiers.OrderBy(t => order.IndexOf(t.Tier) is var i && i >= 0 ? i : order.Count + TierIndex(t.Tier))
            .ToList();

        var previousTiers = tiers.ToDictionary(t => t.Tier,
            t => PreviousResult.Read(Path.Combine(TierDirectory(experiment, t.Tier), ResultFile), issues));
        var configPath = experiment.Config.SourcePath ?? Path.Combine(experiment.Path, ExperimentConfig.RelativePath);
        var config = PythonJson.Parse(SmallFile.ReadText(configPath)) as JsonObject ?? new JsonObject();
        var checkpointStart = CheckpointStore.ReadHeader(experiment.Path)?.StartedAt;
        var startedAt = string.IsNullOrEmpty(checkpointStart) ? generatedAt : checkpointStart;
        var phase = experiment.Layout == ExperimentLayout.Phase;
        var runs = new StreamedRuns();
        var result = ResultDocuments.ExperimentResult(config, tiers, previousTiers, previous, runs, phase, startedAt);
        string TierFolder(string tier) => phase ? $"./{Experiment.CompletedFolder}/{tier}" : $"./{tier}";
        var id = experiment.Config.ExperimentId;

        // The first rebuild keeps what it replaces (usually the Python tool's own result); later ones leave it.
        if (File.Exists(resultPath) && !File.Exists(Path.Combine(experiment.Path, BackupFile)))
        {
            files.Add((Path.Combine(experiment.Path, BackupFile), CopyOf(resultPath)));
        }

        var report = ResultDocuments.ExperimentReport(id, result, tiers,
            t => $"{TierFolder(t)}/report.json", generatedAt);
        var bestTier = result["best_overall_tier"]?.GetValue<string>();
        var frontier = result["frontier_cop"]!.GetValue<double>();
        files.Add((resultPath, AtomicFile.Text(writer => runs.Write(writer, result))));
        files.Add((Path.Combine(experiment.Path, TierComparisonFile), Json(ResultDocuments.TierComparison(tiers))));
        files.Add((Path.Combine(experiment.Path, ReportFile), Json(report)));
        files.Add((Path.Combine(experiment.Path, ReportMarkdownFile), Text(ResultMarkdown.ExperimentReport(
            id, tiers, bestTier, frontier, experiment.Config, TierFolder, generatedAt))));
        files.Add((Path.Combine(experiment.Path, SummaryFile),
            Text(ResultMarkdown.ExperimentSummary(tiers, TierFolder))));
    }

    private static Action<Stream> Json(JsonNode document) => Text(PythonJson.Serialize(document));

    private static Action<Stream> Text(string content) => AtomicFile.Text(writer => writer.Write(content));

    /// <summary>The file's bytes as they are, read when the copy is written (before the file is replaced).</summary>
    private static Action<Stream> CopyOf(string path) => stream =>
    {
        using var source = File.OpenRead(path);
        source.CopyTo(stream);
    };

    private static int TierIndex(string tier) => TierId.All.ToList().IndexOf(tier);
}
