using System.Globalization;
using System.Net;
using System.Text;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Planning;
using Scylla.Core.Runs;

namespace Scylla.Core.Reports;

/// <summary>
/// One experiment as a single self-contained HTML page (docs/planning.md, "The report"): a subtest x tier matrix of
/// runs done and passed, coloured by state; cost and time per tier; and every run that needs action, with the action a
/// re-run would take and the reason. Styles are inline and nothing is loaded from elsewhere, so the file can be mailed
/// or archived as it is. Built from one scan of the experiment.
/// </summary>
public static class HtmlReport
{
    /// <summary>Cell colours: every run Completed; some Failed (or rate-limited); some done; none started.</summary>
    public const string CompleteColour = "#2e7d32";
    public const string FailedColour = "#c62828";
    public const string ProgressColour = "#f9a825";
    public const string NotStartedColour = "#9e9e9e";

    private const string Style = """
        body{font-family:sans-serif;margin:24px;color:#212121;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
        table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #bdbdbd;padding:3px 6px;text-align:right}
        th{background:#eeeeee}th.tier{text-align:center}td.id,th.id{text-align:left}
        td.cell{color:#fff;text-align:center;min-width:64px}
        .legend span{display:inline-block;padding:2px 8px;margin-right:6px;color:#fff}.muted{color:#616161}
        """;

    /// <summary>Writes the report of <paramref name="experiment"/> to <paramref name="path"/> atomically; returns the
    /// number of runs it read.</summary>
    public static int Write(Experiment experiment, string path, DateTimeOffset generatedAt, Action<ScanIssue> report)
    {
        var runs = RunScanner.Scan(experiment, RunQuery.All, report).ToList();
        AtomicFile.WriteAllText(path, Render(experiment, runs, generatedAt));
        return runs.Count;
    }

    public static string Render(Experiment experiment, IReadOnlyList<ScyllaRun> runs, DateTimeOffset generatedAt)
    {
        var html = new StringBuilder();
        var id = Encode(experiment.Config.ExperimentId);
        var completed = runs.Count(r => r.Status == RunStatus.Completed);
        var cost = Usd(runs.Sum(r => r.CostUsd ?? 0));
        var time = Hours(runs.Sum(r => r.DurationSeconds ?? 0));
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Scylla report: {id}</title><style>{Style}</style></head>
            <body>
            <h1>Experiment {id}</h1>
            <p class="muted">{Encode(experiment.Path)}, generated {generatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</p>
            <p id="summary">{completed} of {runs.Count} runs completed; {PassRate(runs)} passed; cost {cost} USD;
            {time} of agent and judge time.</p>

            """);
        AppendMatrix(html, experiment, runs);
        AppendTiers(html, experiment, runs);
        AppendNeedsAction(html, experiment, runs);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendMatrix(StringBuilder html, Experiment experiment, IReadOnlyList<ScyllaRun> runs)
    {
        var tiers = Tiers(experiment, runs);
        var cells = runs.GroupBy(r => (r.Tier, r.Subtest)).ToDictionary(g => g.Key, g => g.ToList());
        html.Append("<h2>Runs done and passed, per subtest and tier</h2>\n<p class=\"legend\">")
            .AppendJoin(string.Empty, new[]
            {
                (CompleteColour, "all completed"), (ProgressColour, "in progress"),
                (FailedColour, "failed or rate-limited runs"), (NotStartedColour, "not started"),
            }.Select(legend => $"<span style=\"background:{legend.Item1}\">{legend.Item2}</span>"))
            .Append("</p>\n")
            .Append("<table id=\"matrix\"><tr><th class=\"id\">Subtest</th>")
            .AppendJoin(string.Empty, tiers.Select(t => $"<th class=\"tier\">{Encode(t)}</th>")).Append("</tr>\n");
        foreach (var subtest in runs.Select(r => r.Subtest).Distinct().Order(StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"id\">{Encode(subtest)}</td>");
            foreach (var tier in tiers)
            {
                html.Append(cells.TryGetValue((tier, subtest), out var cell) ? Cell(tier, subtest, cell) : "<td></td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string Cell(string tier, string subtest, List<ScyllaRun> runs)
    {
        var done = runs.Count(r => r.Status == RunStatus.Completed);
        var title = $"{Encode(tier)}/{Encode(subtest)}";
        return FormattableString.Invariant($"<td class=\"cell\" style=\"background:{Colour(runs)}\" title=\"{title}\">")
            + FormattableString.Invariant($"{done}/{runs.Count} done, {PassRate(runs)} pass</td>");
    }

    private static void AppendTiers(StringBuilder html, Experiment experiment, IReadOnlyList<ScyllaRun> runs)
    {
        html.Append("<h2>Cost and time per tier</h2>\n<table id=\"tiers\"><tr><th class=\"id\">Tier</th>")
            .Append("<th>Runs</th><th>Completed</th><th>Pass rate</th><th>Mean score</th><th>Cost USD</th>")
            .Append("<th>Mean cost USD</th><th>Agent and judge time</th></tr>\n");
        foreach (var tier in Tiers(experiment, runs))
        {
            var inTier = runs.Where(r => r.Tier == tier).ToList();
            var costs = inTier.Where(r => r.CostUsd != null).Select(r => r.CostUsd!.Value).ToList();
            var scores = inTier.Where(r => r.Status == RunStatus.Completed && r.Score != null)
                .Select(r => r.Score!.Value).ToList();
            var done = inTier.Count(r => r.Status == RunStatus.Completed);
            var meanScore = scores.Count > 0 ? scores.Average().ToString("0.00", CultureInfo.InvariantCulture) : "-";
            var meanCost = costs.Count > 0 ? Usd(costs.Average()) : "-";
            var time = Hours(inTier.Sum(r => r.DurationSeconds ?? 0));
            html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=\"id\">{Encode(tier)}</td><td>{inTier.Count}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{done}</td><td>{PassRate(inTier)}</td><td>{meanScore}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Usd(costs.Sum())}</td><td>{meanCost}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{time}</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void AppendNeedsAction(StringBuilder html, Experiment experiment, IReadOnlyList<ScyllaRun> runs)
    {
        var open = runs.Where(r => r.Status != RunStatus.Completed
            || r.JudgeSlots.Contains("Failed", StringComparison.Ordinal)).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Runs that need action ({open.Count})</h2>\n");
        if (open.Count == 0)
        {
            html.Append("<p id=\"needs-action\">None: every run is Completed with every judge slot complete.</p>\n");
            return;
        }

        html.Append("<table id=\"needs-action\"><tr>")
            .AppendJoin(string.Empty, new[] { "Run", "Status", "Judges", "Action", "Reason" }
                .Select(header => $"<th class=\"id\">{header}</th>"))
            .Append("</tr>\n");
        foreach (var run in open)
        {
            // A run that never started has no judge slots to speak of: '-' rather than one AgentFailed per judge.
            var judges = run.Status == RunStatus.Missing ? "-" : run.JudgeSlots;
            html.Append("<tr>")
                .AppendJoin(string.Empty, new[] { run.RunId, run.Status.ToString(), judges, Action(run), run.Reason }
                    .Select(value => $"<td class=\"id\">{Encode(value)}</td>"))
                .Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    /// <summary>What Invoke-ScyllaRerun would do: the plain re-run, else -JudgeOnly for failed judge slots.</summary>
    private static string Action(ScyllaRun run)
    {
        foreach (var judgeOnly in new[] { false, true })
        {
            try
            {
                var (action, _) = RerunDecision.For(run, judgeOnly);
                return judgeOnly ? $"{action} (-JudgeOnly)" : action.ToString();
            }
            catch (ScyllaException)
            {
                // try the next way, or say none applies
            }
        }

        return "none";
    }

    private static string Colour(List<ScyllaRun> cell) =>
        cell.All(r => r.Status == RunStatus.Completed) ? CompleteColour
        : cell.Any(r => r.Status is RunStatus.Failed or RunStatus.RateLimited) ? FailedColour
        : cell.Any(r => r.Status != RunStatus.Missing) ? ProgressColour
        : NotStartedColour;

    private static List<string> Tiers(Experiment experiment, IReadOnlyList<ScyllaRun> runs) =>
        experiment.Config.TiersToRun.Concat(runs.Select(r => r.Tier)).Distinct(StringComparer.Ordinal).ToList();

    private static string PassRate(IReadOnlyCollection<ScyllaRun> runs)
    {
        var judged = runs.Where(r => r.Status == RunStatus.Completed && r.Passed != null).ToList();
        return judged.Count == 0 ? "-"
            : FormattableString.Invariant($"{100.0 * judged.Count(r => r.Passed == true) / judged.Count:0}%");
    }

    private static string Usd(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Hours(double seconds) => Durations.Format(TimeSpan.FromSeconds(seconds));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
