using System.Globalization;
using System.Text;
using Scylla.Core.Experiments;

namespace Scylla.Core.Results;

/// <summary>The human-readable reports next to the JSON ones. Nothing reads them back; the wording is our own.</summary>
internal static class ResultMarkdown
{
    private const string Footer = "_Rebuilt from the runs on disk by Scylla.PowerShell (Update-ScyllaResult)._";

    public static string SubtestReport(SubtestAggregate s, string generatedAt)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {s.Tier} / {s.Subtest}\n\nRebuilt {generatedAt} from {s.RunCount} run(s) with a result.\n\n");
        text.Append("| Measure | Value |\n|---|---|\n");
        text.Append(CultureInfo.InvariantCulture, $"| Runs passed | {s.Passed} of {s.RunCount} ({Percent(s.PassRate)}) |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Score (mean / median / std dev) | {F(s.MeanScore, 3)} / {F(s.MedianScore, 3)} / {F(s.StdDevScore, 3)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Consistency | {F(s.Consistency, 3)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Cost (total / mean) | ${F(s.TotalCost, 4)} / ${F(s.MeanCost, 4)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Grades | {Grades(s)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| Tokens | {Tokens(s.Tokens)} |\n\n");
        text.Append("| Run | Score | Grade | Passed | Seconds | Cost | Report |\n|---|---|---|---|---|---|---|\n");
        foreach (var run in s.Runs)
        {
            var name = Experiment.RunDirectoryName(run.RunNumber);
            text.Append(CultureInfo.InvariantCulture,
                $"| {run.RunNumber} | {F(run.Score, 3)} | {run.Grade} | {(run.Passed ? "yes" : "no")} | {F(run.DurationSeconds, 1)} | ${F(run.CostUsd, 4)} | [{name}](./{name}/report.md) |\n");
        }

        return text.Append('\n').Append(Footer).Append('\n').ToString();
    }

    public static string TierReport(TierAggregate tier, double totalDuration, string generatedAt)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {tier.Tier}\n\nRebuilt {generatedAt} from {tier.Subtests.Count} subtest(s) with results.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"- Best subtest: {tier.BestSubtest ?? "none"}{BestNote(tier)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Total cost: ${F(tier.TotalCost, 4)}; cost of a pass: {CostOfPass(tier.CostOfPass)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Duration: {F(totalDuration, 1)} s\n- Tokens: {Tokens(tier.Tokens)}\n\n");
        text.Append(SubtestTable(tier, link: s => $"./{s}/report.md"));
        return text.Append('\n').Append(Footer).Append('\n').ToString();
    }

    public static string TierSummary(TierAggregate tier) =>
        $"# {tier.Tier} at a glance\n\n{SubtestTable(tier, link: s => $"./{s}/report.md")}\n{Footer}\n";

    public static string ExperimentReport(string experimentId, IReadOnlyList<TierAggregate> tiers, string? bestTier, double frontier,
        ExperimentConfig config, Func<string, string> tierFolder, string generatedAt)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Experiment {experimentId}\n\nRebuilt {generatedAt} from the runs on disk.\n\n");
        var best = tiers.FirstOrDefault(t => t.Tier == bestTier);
        text.Append(CultureInfo.InvariantCulture, $"- Cheapest pass: {(best == null ? "none (no tier has a passing best subtest)" : $"{best.Tier}/{best.BestSubtest} at {CostOfPass(frontier)}")}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Total cost: ${F(PythonStatistics.Sum(tiers.Select(t => t.TotalCost)), 4)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Tokens: {Tokens(TokenCounts.Sum(tiers.Select(t => t.Tokens)))}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Task: {config.TaskRepo} at {config.TaskCommit}; {config.RunsPerSubtest} run(s) per subtest; judges {string.Join(", ", config.JudgeModels)}\n\n");
        text.Append("| Tier | Best subtest | Median score | Pass rate | Cost | Cost of a pass | Report |\n|---|---|---|---|---|---|---|\n");
        foreach (var tier in tiers)
        {
            var winner = tier.Best!;
            text.Append(CultureInfo.InvariantCulture,
                $"| {tier.Tier} | {winner.Subtest} | {F(winner.MedianScore, 3)} | {Percent(winner.PassRate)} | ${F(tier.TotalCost, 4)} | {CostOfPass(tier.CostOfPass)} | [{tier.Tier}]({tierFolder(tier.Tier)}/report.md) |\n");
        }

        return text.Append('\n').Append(Footer).Append('\n').ToString();
    }

    public static string ExperimentSummary(IReadOnlyList<TierAggregate> tiers, Func<string, string> tierFolder)
    {
        var text = new StringBuilder("# Every subtest at a glance\n\n| Tier | Subtest | Median score | Pass rate | Mean cost | Best | Report |\n|---|---|---|---|---|---|---|\n");
        foreach (var tier in tiers)
        {
            foreach (var s in tier.Subtests)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| {tier.Tier} | {s.Subtest} | {F(s.MedianScore, 3)} | {Percent(s.PassRate)} | ${F(s.MeanCost, 4)} | {(s.Subtest == tier.BestSubtest ? "yes" : "")} | [view]({tierFolder(tier.Tier)}/{s.Subtest}/report.md) |\n");
            }
        }

        return text.Append('\n').Append(Footer).Append('\n').ToString();
    }

    private static string SubtestTable(TierAggregate tier, Func<string, string> link)
    {
        var text = new StringBuilder("| Subtest | Runs | Median score | Pass rate | Consistency | Cost | Tokens | Best | Report |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var s in tier.Subtests)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {s.Subtest} | {s.RunCount} | {F(s.MedianScore, 3)} | {Percent(s.PassRate)} | {F(s.Consistency, 3)} | ${F(s.TotalCost, 4)} | {s.Tokens.Total:N0} | {(s.Subtest == tier.BestSubtest ? "yes" : "")} | [{s.Subtest}]({link(s.Subtest)}) |\n");
        }

        return text.ToString();
    }

    private static string BestNote(TierAggregate tier) => tier.Selection switch
    {
        null => string.Empty,
        { TiebreakerNeeded: true } selection => $" (median {F(selection.WinningScore, 3)}; the top two were within {F(BestSubtestSelection.TieThreshold, 2)}, so the one with fewer tokens won)",
        var selection => $" (median {F(selection.WinningScore, 3)}, ahead by {F(selection.Margin, 3)})",
    };

    private static string Grades(SubtestAggregate s) => s.GradeDistribution == null
        ? "none"
        : $"{string.Join(", ", s.GradeDistribution.Select(g => $"{g.Key}: {g.Value}"))} (mostly {s.ModalGrade}, {s.MinGrade} to {s.MaxGrade})";

    private static string Tokens(TokenCounts t) => string.Create(CultureInfo.InvariantCulture,
        $"{t.Total:N0} ({t.InputTokens:N0} in, {t.OutputTokens:N0} out, {t.CacheReadTokens:N0} cache read, {t.CacheCreationTokens:N0} cache write)");

    private static string CostOfPass(double value) => double.IsInfinity(value) ? "none (no pass)" : $"${F(value, 4)}";

    private static string Percent(double value) => PythonFormat.Percent(value, 1);

    private static string F(double value, int digits) => PythonFormat.Fixed(value, digits);
}
