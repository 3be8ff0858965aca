using System.Text.Json.Nodes;
using Scylla.Core.Experiments;

namespace Scylla.Core.Results;

/// <summary>
/// The JSON result files, key for key in upstream's order (docs/results.md). Values that cannot be recomputed from the
/// runs (wall-clock durations, start and end times, the inherited baseline) come from the file being replaced.
/// </summary>
internal static class ResultDocuments
{
    public static JsonObject SubtestReport(SubtestAggregate s, string generatedAt) => new()
    {
        ["subtest_id"] = s.Subtest,
        ["tier_id"] = s.Tier,
        ["summary"] = new JsonObject
        {
            ["total_runs"] = s.RunCount,
            ["passed"] = s.Passed,
            ["pass_rate"] = s.PassRate,
            ["mean_score"] = s.MeanScore,
            ["median_score"] = s.MedianScore,
            ["std_dev"] = s.StdDevScore,
            ["total_cost"] = s.TotalCost,
            ["consistency"] = s.Consistency,
            ["grade_distribution"] = GradeDistribution(s),
            ["modal_grade"] = s.ModalGrade,
            ["min_grade"] = s.MinGrade,
            ["max_grade"] = s.MaxGrade,
        },
        ["token_stats"] = s.Tokens.ToJson(),
        ["children"] = Array(s.Runs.Select(r => new JsonObject
        {
            ["run_number"] = r.RunNumber,
            ["score"] = r.Score,
            ["passed"] = r.Passed,
            ["report"] = $"./{Experiment.RunDirectoryName(r.RunNumber)}/report.json",
        })),
        ["generated_at"] = generatedAt,
    };

    /// <summary>
    /// A tier's <c>result.json</c>; <paramref name="previous"/> is the file it replaces, if any. Upstream's 2026 code
    /// (the phase layout) puts <c>cost_of_pass</c> last, and leaves it out where the tier sits inside the experiment
    /// result; the earlier code (the flat layout) puts it before <c>token_stats</c> in both places. The run records
    /// are placeholders of <paramref name="runs"/>, which writes the document.
    /// </summary>
    public static JsonObject TierResult(TierAggregate tier, JsonObject? previous, StreamedRuns runs,
        bool costOfPassLast, bool withCostOfPass = true)
    {
        var result = new JsonObject
        {
            ["tier_id"] = tier.Tier,
            ["subtest_results"] = Map(tier.Subtests, s => s.Subtest, s => SubtestResult(s, tier.Selection, runs)),
            ["best_subtest"] = tier.BestSubtest,
            ["best_subtest_score"] = tier.Selection?.WinningScore ?? 0.0,
            ["inherited_from"] = previous?["inherited_from"]?.DeepClone(),
            ["tiebreaker_needed"] = tier.Selection?.TiebreakerNeeded ?? false,
            ["total_cost"] = tier.TotalCost,
            ["total_duration"] = Kept(previous, "total_duration"),
        };

        if (!costOfPassLast)
        {
            result["cost_of_pass"] = tier.CostOfPass;
        }

        result["token_stats"] = tier.Tokens.ToJson();
        if (costOfPassLast && withCostOfPass)
        {
            result["cost_of_pass"] = tier.CostOfPass;
        }

        return result;
    }

    public static JsonObject TierReport(TierAggregate tier, double totalDuration, string generatedAt) => new()
    {
        ["tier"] = tier.Tier,
        ["summary"] = new JsonObject
        {
            ["total_subtests"] = tier.Subtests.Count,
            ["best_subtest"] = tier.BestSubtest,
            ["best_score"] = tier.Selection?.WinningScore ?? 0.0,
            ["total_cost"] = tier.TotalCost,
            ["total_duration"] = totalDuration,
            ["tiebreaker_needed"] = tier.Selection?.TiebreakerNeeded ?? false,
        },
        ["token_stats"] = tier.Tokens.ToJson(),
        ["best"] = new JsonObject
        {
            ["subtest"] = tier.BestSubtest,
            ["score"] = tier.Selection?.WinningScore ?? 0.0,
            ["report"] = tier.BestSubtest == null ? null : $"./{tier.BestSubtest}/report.json",
        },
        ["children"] = Array(tier.Subtests.Select(s => new JsonObject
        {
            ["id"] = s.Subtest,
            ["score"] = s.MedianScore,
            ["pass_rate"] = s.PassRate,
            ["cost"] = s.TotalCost,
            ["selected"] = s.Subtest == tier.BestSubtest,
            ["report"] = $"./{s.Subtest}/report.json",
        })),
        ["generated_at"] = generatedAt,
    };

    /// <summary>The experiment's <c>result.json</c>; <paramref name="tiers"/> are those with a best subtest.</summary>
    public static JsonObject ExperimentResult(JsonObject config, IReadOnlyList<TierAggregate> tiers,
        IReadOnlyDictionary<string, JsonObject?> previousTiers, JsonObject? previous, StreamedRuns runs,
        bool costOfPassLast, string startedAt)
    {
        var frontier = Frontier(tiers);
        return new JsonObject
        {
            ["config"] = config.DeepClone(),
            ["tier_results"] = Map(tiers, t => t.Tier,
                t => TierResult(t, previousTiers.GetValueOrDefault(t.Tier), runs, costOfPassLast, !costOfPassLast)),
            ["best_overall_tier"] = frontier?.Tier,
            ["best_overall_subtest"] = frontier?.BestSubtest,
            ["frontier_cop"] = frontier?.CostOfPass ?? double.PositiveInfinity,
            ["frontier_cop_tier"] = frontier?.Tier,
            ["total_cost"] = PythonStatistics.Sum(tiers.Select(t => t.TotalCost)),
            ["total_duration_seconds"] = Kept(previous, "total_duration_seconds"),
            ["token_stats"] = TokenCounts.Sum(tiers.Select(t => t.Tokens)).ToJson(),
            ["started_at"] = previous?["started_at"]?.DeepClone() ?? startedAt,
            ["completed_at"] = previous?["completed_at"]?.DeepClone(),
        };
    }

    public static JsonObject TierComparison(IReadOnlyList<TierAggregate> tiers) =>
        new(tiers.Select(t => new KeyValuePair<string, JsonNode?>(t.Tier, new JsonObject
        {
            ["best_subtest"] = t.BestSubtest,
            ["best_score"] = t.Selection?.WinningScore ?? 0.0,
            ["total_cost"] = t.TotalCost,
            ["tiebreaker_needed"] = t.Selection?.TiebreakerNeeded ?? false,
        })));

    /// <summary>The experiment's <c>report.json</c>, from its <c>result.json</c>; links are relative.</summary>
    public static JsonObject ExperimentReport(
        string experimentId, JsonObject result, IReadOnlyList<TierAggregate> tiers,
        Func<string, string> tierReportLink, string generatedAt)
    {
        var bestTier = result["best_overall_tier"]?.GetValue<string>();
        var frontier = result["frontier_cop"]!.GetValue<double>();
        return new JsonObject
        {
            ["experiment_id"] = experimentId,
            ["summary"] = new JsonObject
            {
                ["total_tiers"] = tiers.Count,
                ["best_tier"] = bestTier,
                ["best_subtest"] = result["best_overall_subtest"]?.DeepClone(),
                ["frontier_cop"] = double.IsInfinity(frontier) ? null : frontier,
                ["total_cost"] = result["total_cost"]!.DeepClone(),
                ["total_duration"] = result["total_duration_seconds"]!.DeepClone(),
                ["started_at"] = result["started_at"]?.DeepClone(),
                ["completed_at"] = result["completed_at"]?.DeepClone(),
            },
            ["token_stats"] = result["token_stats"]!.DeepClone(),
            ["best"] = new JsonObject
            {
                ["tier"] = bestTier,
                ["subtest"] = result["best_overall_subtest"]?.DeepClone(),
                ["report"] = bestTier == null ? null : tierReportLink(bestTier),
            },
            ["children"] = Array(tiers.Select(t => new JsonObject
            {
                ["tier"] = t.Tier,
                ["best_subtest"] = t.BestSubtest,
                ["best_score"] = t.Selection?.WinningScore ?? 0.0,
                ["cost"] = t.TotalCost,
                ["report"] = tierReportLink(t.Tier),
            })),
            ["generated_at"] = generatedAt,
        };
    }

    /// <summary>The number a previous file has under <paramref name="key"/>, else 0.0 (upstream's default).</summary>
    public static double Kept(JsonObject? previous, string key) =>
        previous?[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? v.GetValue<double>()
            : 0.0;

    /// <summary>The tier whose best subtest has the lowest cost of pass (first wins ties), if any passed.</summary>
    private static TierAggregate? Frontier(IReadOnlyList<TierAggregate> tiers)
    {
        TierAggregate? frontier = null;
        foreach (var tier in tiers.Where(t => t.Best is { PassRate: > 0 }))
        {
            if (frontier == null || tier.CostOfPass < frontier.CostOfPass)
            {
                frontier = tier;
            }
        }

        return frontier;
    }

    private static JsonObject SubtestResult(SubtestAggregate s, BestSubtestSelection? selection, StreamedRuns runs)
    {
        var selected = selection?.WinningSubtest == s.Subtest;
        return new JsonObject
        {
            ["subtest_id"] = s.Subtest,
            ["tier_id"] = s.Tier,
            ["runs"] = runs.Placeholder(s),
            ["pass_rate"] = s.PassRate,
            ["mean_score"] = s.MeanScore,
            ["median_score"] = s.MedianScore,
            ["std_dev_score"] = s.StdDevScore,
            ["mean_cost"] = s.MeanCost,
            ["total_cost"] = s.TotalCost,
            ["token_stats"] = s.Tokens.ToJson(),
            ["consistency"] = s.Consistency,
            ["grade_distribution"] = GradeDistribution(s),
            ["modal_grade"] = s.ModalGrade,
            ["min_grade"] = s.MinGrade,
            ["max_grade"] = s.MaxGrade,
            ["selected_as_best"] = selected,
            ["selection_reason"] = selected ? selection!.SelectionReason : string.Empty,
            ["rate_limit_info"] = null,
        };
    }

    private static JsonObject? GradeDistribution(SubtestAggregate s) => s.GradeDistribution == null
        ? null
        : new JsonObject(s.GradeDistribution.Select(g => new KeyValuePair<string, JsonNode?>(g.Key, g.Value)));

    private static JsonObject Map<T>(IEnumerable<T> items, Func<T, string> key, Func<T, JsonNode> value) =>
        new(items.Select(i => new KeyValuePair<string, JsonNode?>(key(i), value(i))));

    private static JsonArray Array(IEnumerable<JsonObject> items) => new(items.Select(i => (JsonNode)i).ToArray());
}
