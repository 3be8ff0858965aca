using System.Globalization;
using System.Text;
using Scylla.Core.Experiments;

namespace Scylla.Core.Results;

/// <summary>The human-readable reports beside the JSON ones. Nothing reads them back; the wording is our own.</summary>
internal static class ResultMarkdown
{
    private const string Footer = "_Rebuilt by Scylla.PowerShell from the runs on disk._";

    public static string SubtestReport(SubtestAggregate s, string generatedAt)
    {
        var text = new StringBuilder();
        Line(text, $"# {s.Tier} / {s.Subtest}", "");
        Line(text, $"Rebuilt {generatedAt} from {s.RunCount} run(s) with a result.", "");
        Table(text, "Measure", "Value");
        Row(text, "Runs passed", $"{s.Passed} of {s.RunCount} ({Percent(s.PassRate)})");
        Row(text, "Score (mean / median / std dev)",
            $"{F(s.MeanScore, 3)} / {F(s.MedianScore, 3)} / {F(s.StdDevScore, 3)}");
        Row(text, "Consistency", F(s.Consistency, 3));
        Row(text, "Cost (total / mean)", $"${F(s.TotalCost, 4)} / ${F(s.MeanCost, 4)}");
        Row(text, "Grades", Grades(s));
        Row(text, "Tokens", Tokens(s.Tokens));
        Line(text, "");
        Table(text, "Run", "Score", "Grade", "Passed", "Seconds", "Cost", "Report");
        foreach (var run in s.Runs)
        {
            var name = Experiment.RunDirectoryName(run.RunNumber);
            Row(text, run.RunNumber, F(run.Score, 3), run.Grade, run.Passed ? "yes" : "no", F(run.DurationSeconds, 1),
                $"${F(run.CostUsd, 4)}", $"[{name}](./{name}/report.md)");
        }

        return Finish(text);
    }

    public static string TierReport(TierAggregate tier, double totalDuration, string generatedAt)
    {
        var text = new StringBuilder();
        Line(text, $"# {tier.Tier}", "");
        Line(text, $"Rebuilt {generatedAt} from {tier.Subtests.Count} subtest(s) with results.", "");
        Line(text, $"- Best subtest: {tier.BestSubtest ?? "none"}{BestNote(tier)}");
        Line(text, $"- Total cost: ${F(tier.TotalCost, 4)}; cost of a pass: {CostOfPass(tier.CostOfPass)}");
        Line(text, $"- Duration: {F(totalDuration, 1)} s", $"- Tokens: {Tokens(tier.Tokens)}", "");
        SubtestTable(text, tier);
        return Finish(text);
    }

    public static string TierSummary(TierAggregate tier)
    {
        var text = new StringBuilder();
        Line(text, $"# {tier.Tier} at a glance", "");
        SubtestTable(text, tier);
        return Finish(text);
    }

    public static string ExperimentReport(string experimentId, IReadOnlyList<TierAggregate> tiers, string? bestTier,
        double frontier, ExperimentConfig config, Func<string, string> tierFolder, string generatedAt)
    {
        var text = new StringBuilder();
        Line(text, $"# Experiment {experimentId}", "", $"Rebuilt {generatedAt} from the runs on disk.", "");
        var best = tiers.FirstOrDefault(t => t.Tier == bestTier);
        var cheapest = best == null
            ? "none (no tier has a passing best subtest)"
            : $"{best.Tier}/{best.BestSubtest} at {CostOfPass(frontier)}";
        Line(text, $"- Cheapest pass: {cheapest}");
        Line(text, $"- Total cost: ${F(PythonStatistics.Sum(tiers.Select(t => t.TotalCost)), 4)}");
        Line(text, $"- Tokens: {Tokens(TokenCounts.Sum(tiers.Select(t => t.Tokens)))}");
        Line(text, $"- Task: {config.TaskRepo} at {config.TaskCommit}; {config.RunsPerSubtest} run(s) per subtest; "
            + $"judges {string.Join(", ", config.JudgeModels)}", "");
        Table(text, "Tier", "Best subtest", "Median score", "Pass rate", "Cost", "Cost of a pass", "Report");
        foreach (var tier in tiers)
        {
            var winner = tier.Best!;
            Row(text, tier.Tier, winner.Subtest, F(winner.MedianScore, 3), Percent(winner.PassRate),
                $"${F(tier.TotalCost, 4)}", CostOfPass(tier.CostOfPass),
                $"[{tier.Tier}]({tierFolder(tier.Tier)}/report.md)");
        }

        return Finish(text);
    }

    public static string ExperimentSummary(IReadOnlyList<TierAggregate> tiers, Func<string, string> tierFolder)
    {
        var text = new StringBuilder();
        Line(text, "# Every subtest at a glance", "");
        Table(text, "Tier", "Subtest", "Median score", "Pass rate", "Mean cost", "Best", "Report");
        foreach (var tier in tiers)
        {
            foreach (var s in tier.Subtests)
            {
                Row(text, tier.Tier, s.Subtest, F(s.MedianScore, 3), Percent(s.PassRate), $"${F(s.MeanCost, 4)}",
                    s.Subtest == tier.BestSubtest ? "yes" : "",
                    $"[view]({tierFolder(tier.Tier)}/{s.Subtest}/report.md)");
            }
        }

        return Finish(text);
    }

    private static void SubtestTable(StringBuilder text, TierAggregate tier)
    {
        Table(text, "Subtest", "Runs", "Median score", "Pass rate", "Consistency", "Cost", "Tokens", "Best", "Report");
        foreach (var s in tier.Subtests)
        {
            Row(text, s.Subtest, s.RunCount, F(s.MedianScore, 3), Percent(s.PassRate), F(s.Consistency, 3),
                $"${F(s.TotalCost, 4)}", Count(s.Tokens.Total), s.Subtest == tier.BestSubtest ? "yes" : "",
                $"[{s.Subtest}](./{s.Subtest}/report.md)");
        }
    }

    private static string BestNote(TierAggregate tier) => tier.Selection switch
    {
        null => string.Empty,
        { TiebreakerNeeded: true } selection => $" (median {F(selection.WinningScore, 3)}; the top two were within "
            + $"{F(BestSubtestSelection.TieThreshold, 2)}, so the one with fewer tokens won)",
        var selection => $" (median {F(selection.WinningScore, 3)}, ahead by {F(selection.Margin, 3)})",
    };

    private static string Grades(SubtestAggregate s) => s.GradeDistribution == null
        ? "none"
        : $"{string.Join(", ", s.GradeDistribution.Select(g => $"{g.Key}: {g.Value}"))} "
            + $"(mostly {s.ModalGrade}, {s.MinGrade} to {s.MaxGrade})";

    private static string Tokens(TokenCounts t) =>
        $"{Count(t.Total)} ({Count(t.InputTokens)} in, {Count(t.OutputTokens)} out, "
        + $"{Count(t.CacheReadTokens)} cache read, {Count(t.CacheCreationTokens)} cache write)";

    private static void Line(StringBuilder text, params string[] lines)
    {
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
    }

    private static void Table(StringBuilder text, params string[] headers)
    {
        Line(text, $"| {string.Join(" | ", headers)} |", $"|{string.Concat(headers.Select(_ => "---|"))}");
    }

    private static void Row(StringBuilder text, params object[] cells) =>
        Line(text, $"| {string.Join(" | ", cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture)))} |");

    private static string Finish(StringBuilder text) => text.Append('\n').Append(Footer).Append('\n').ToString();

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string CostOfPass(double value) => double.IsInfinity(value) ? "none (no pass)" : $"${F(value, 4)}";

    private static string Percent(double value) => PythonFormat.Percent(value, 1);

    private static string F(double value, int digits) => PythonFormat.Fixed(value, digits);
}
