using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Planning;

/// <summary>
/// Estimates from an experiment's own Completed runs (docs/planning.md): per tier, the agent call's cost
/// (<c>cost_usd</c>) and seconds, and one judge call's seconds (the run's judge seconds over its judge count); a tier
/// with no Completed run borrows every tier's figures. Judges record no cost, so a judge call adds time only.
/// </summary>
internal sealed class RerunEstimator(Experiment experiment)
{
    private readonly Dictionary<string, Samples> _byTier = new(StringComparer.Ordinal);
    private readonly Samples _all = new();

    public void Record(ScyllaRun run)
    {
        if (run.Status != RunStatus.Completed || run.CostUsd is not { } cost)
        {
            return;
        }

        var judges = experiment.Config.JudgeModels.Count;
        var judgeSeconds = run.JudgeDurationSeconds ?? 0;
        var agentSeconds = run.AgentDurationSeconds ?? Math.Max(0, (run.DurationSeconds ?? 0) - judgeSeconds);
        double? judgeCallSeconds = judges > 0 && run.JudgeDurationSeconds != null ? judgeSeconds / judges : null;
        foreach (var samples in new[] { _all, Tier(run.Tier) })
        {
            samples.Cost.Add(cost);
            samples.AgentSeconds.Add(agentSeconds);
            if (judgeCallSeconds is { } seconds)
            {
                samples.JudgeCallSeconds.Add(seconds);
            }
        }
    }

    /// <summary>The estimate for a run taking <paramref name="action"/> with the given calls.</summary>
    public (Spread? Cost, Spread? Seconds, string Source) Estimate(
        string tier, RerunAction action, int agentCalls, int judgeCalls)
    {
        var (samples, source) = _byTier.TryGetValue(tier, out var own) && own.Cost.Count > 0
            ? (own, $"{tier} ({own.Cost.Count} runs)")
            : _all.Cost.Count > 0 ? (_all, $"all tiers ({_all.Cost.Count} runs)")
            : (null, "none");
        if (action == RerunAction.Regenerate)
        {
            return (Spread.Zero, Spread.Zero, "no calls");
        }

        if (samples == null)
        {
            return (null, null, source);
        }

        var (cost, agent, judge) = samples.Spreads();
        var agentCost = agentCalls == 0 ? Spread.Zero : cost!.Times(agentCalls);
        var agentSeconds = agentCalls == 0 ? Spread.Zero : agent!.Times(agentCalls);
        var judgeSeconds = judgeCalls == 0 ? Spread.Zero : judge?.Times(judgeCalls) ?? Spread.Zero;
        return (agentCost, agentSeconds.Plus(judgeSeconds), source);
    }

    private Samples Tier(string tier)
    {
        if (!_byTier.TryGetValue(tier, out var samples))
        {
            _byTier[tier] = samples = new Samples();
        }

        return samples;
    }

    private sealed class Samples
    {
        public List<double> Cost { get; } = [];

        public List<double> AgentSeconds { get; } = [];

        public List<double> JudgeCallSeconds { get; } = [];

        private (Spread?, Spread?, Spread?)? _spreads;

        /// <summary>The spreads, computed once: the recording is over when the first estimate is asked for.</summary>
        public (Spread? Cost, Spread? AgentSeconds, Spread? JudgeCallSeconds) Spreads() =>
            _spreads ??= (Spread.Of(Cost), Spread.Of(AgentSeconds), Spread.Of(JudgeCallSeconds));
    }
}
