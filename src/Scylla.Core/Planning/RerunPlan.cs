using System.Globalization;
using System.Text;

namespace Scylla.Core.Planning;

/// <summary>
/// What a re-run of the chosen runs of one experiment would do, before anything is spent (docs/planning.md): one line
/// per tier and action, and the totals. Built from one scan of the experiment; the estimates come from its own
/// recorded runs.
/// </summary>
public sealed class RerunPlan
{
    /// <summary>How many runs of a line the text names before it says how many more there are.</summary>
    private const int RunsNamed = 10;

    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    /// <summary>Runs the re-run would start (refused runs excluded).</summary>
    public int Runs => Lines.Where(l => l.Action != null).Sum(l => l.Runs);

    public int Refused => Lines.Where(l => l.Action == null).Sum(l => l.Runs);

    public int AgentCalls => Lines.Sum(l => l.AgentCalls);

    public int JudgeCalls => Lines.Sum(l => l.JudgeCalls);

    /// <summary>The sum of the lines' estimates; runs without one are counted in <see cref="RunsWithoutEstimate"/>.
    /// </summary>
    public double EstimatedCostUsd => Lines.Sum(l => l.EstimatedCostUsd ?? 0);

    public double CostLowUsd => Lines.Sum(l => l.CostLowUsd ?? 0);

    public double CostHighUsd => Lines.Sum(l => l.CostHighUsd ?? 0);

    public TimeSpan EstimatedDuration => Sum(l => l.EstimatedDuration);

    public TimeSpan DurationLow => Sum(l => l.DurationLow);

    public TimeSpan DurationHigh => Sum(l => l.DurationHigh);

    /// <summary>Runs to start for which no recorded run gave an estimate (a fresh experiment).</summary>
    public int RunsWithoutEstimate => Lines.Where(l => l.Action != null && l.EstimatedCostUsd == null).Sum(l => l.Runs);

    public IReadOnlyList<RerunPlanLine> Lines { get; internal init; } = [];

    /// <summary>Every run in plan order, refused ones included.</summary>
    public IReadOnlyList<PlannedRun> PlannedRuns { get; internal init; } = [];

    /// <summary>The plan as text, for -WhatIf: a total, then one line per tier and action naming its first runs.
    /// </summary>
    public IEnumerable<string> Describe(int throttleLimit = 1)
    {
        var total = new StringBuilder(
            $"{ExperimentId} ({ExperimentPath}): {Runs} runs to re-run, {AgentCalls} agent calls, " +
            $"{JudgeCalls} judge calls; estimated {Cost(EstimatedCostUsd, CostLowUsd, CostHighUsd)}, " +
            $"{Time(EstimatedDuration, DurationLow, DurationHigh)} of agent and judge time");
        if (throttleLimit > 1)
        {
            total.Append(CultureInfo.InvariantCulture,
                $" (about {Hours(EstimatedDuration / throttleLimit)} at -ThrottleLimit {throttleLimit})");
        }

        if (RunsWithoutEstimate > 0)
        {
            total.Append(CultureInfo.InvariantCulture,
                $"; {RunsWithoutEstimate} runs have no recorded run to estimate from");
        }

        if (Refused > 0)
        {
            total.Append(CultureInfo.InvariantCulture, $"; {Refused} refused");
        }

        yield return total.ToString();
        foreach (var line in Lines)
        {
            var runs = string.Join(", ", line.PlannedRuns.Take(RunsNamed).Select(r => r.RunId))
                + (line.Runs > RunsNamed ? $" and {line.Runs - RunsNamed} more" : string.Empty);
            yield return line.Action == null
                ? $"  {line.Tier} {line.Description}: {line.Runs} runs: {runs}"
                : $"  {line.Tier} {line.Description}: {line.Runs} runs, {line.AgentCalls} agent calls, " +
                  $"{line.JudgeCalls} judge calls, {Cost(line.EstimatedCostUsd, line.CostLowUsd, line.CostHighUsd)}, " +
                  $"{Time(line.EstimatedDuration, line.DurationLow, line.DurationHigh)} " +
                  $"(from {line.EstimateSource}): {runs}";
        }
    }

    private TimeSpan Sum(Func<RerunPlanLine, TimeSpan?> value) =>
        Lines.Aggregate(TimeSpan.Zero, (sum, line) => sum + (value(line) ?? TimeSpan.Zero));

    private static string Cost(double? mean, double? low, double? high) => mean == null ? "cost unknown"
        : FormattableString.Invariant($"${mean:0.00} (${low:0.00}-${high:0.00})");

    private static string Time(TimeSpan? mean, TimeSpan? low, TimeSpan? high) => mean == null ? "time unknown"
        : $"{Hours(mean.Value)} ({Hours(low!.Value)}-{Hours(high!.Value)})";

    private static string Hours(TimeSpan time) => Durations.Format(time);
}
