using Scylla.Core.Execution;

namespace Scylla.Core.Planning;

/// <summary>
/// The runs of one tier that a re-run would take the same way (or refuse for the same reason), summed: the calls they
/// make and their estimated cost and time, with the lowest and highest the recorded runs give.
/// </summary>
public sealed class RerunPlanLine
{
    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Tier { get; internal init; } = string.Empty;

    /// <summary>The agent's model (the experiment's first <c>models</c> entry).</summary>
    public string AgentModel { get; internal init; } = string.Empty;

    /// <summary>The path the runs take; null for runs the re-run would refuse.</summary>
    public RerunAction? Action { get; internal init; }

    /// <summary>The error id of the refusal, when <see cref="Action"/> is null.</summary>
    public string? RefusalId { get; internal init; }

    public int Runs { get; internal init; }

    public int AgentCalls { get; internal init; }

    public int JudgeCalls { get; internal init; }

    /// <summary>The estimated cost in USD of the agent calls (judges record no cost); null when no run recorded one.
    /// </summary>
    public double? EstimatedCostUsd { get; internal init; }

    public double? CostLowUsd { get; internal init; }

    public double? CostHighUsd { get; internal init; }

    /// <summary>The estimated agent and judge time, one run after another; null when no run recorded one.</summary>
    public TimeSpan? EstimatedDuration { get; internal init; }

    public TimeSpan? DurationLow { get; internal init; }

    public TimeSpan? DurationHigh { get; internal init; }

    /// <summary>
    /// The recorded runs the estimate is from, e.g. <c>T1 (28 runs)</c>, <c>all tiers (90 runs)</c> or <c>none</c>.
    /// </summary>
    public string EstimateSource { get; internal init; } = string.Empty;

    /// <summary>The runs, in plan order.</summary>
    public IReadOnlyList<PlannedRun> PlannedRuns { get; internal init; } = [];

    /// <summary>What the line does, in words: the action, or the refusal.</summary>
    public string Description => Action switch
    {
        RerunAction.RerunAgent => "re-run the agent and the judges",
        RerunAction.ResumeJudges => "resume at the judges",
        RerunAction.Regenerate => "regenerate result files",
        RerunAction.RerunJudges => "re-run judge slots",
        _ => $"refused ({RefusalId})",
    };
}
