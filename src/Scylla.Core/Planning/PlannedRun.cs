using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Planning;

/// <summary>What a re-run would do with one run as it is on disk now and what it would cost, or why it would refuse.
/// </summary>
public sealed record PlannedRun
{
    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Tier { get; internal init; } = string.Empty;

    public string Subtest { get; internal init; } = string.Empty;

    public int RunNumber { get; internal init; }

    public string RunId => Experiment.RunId(Tier, Subtest, RunNumber);

    public RunStatus Status { get; internal init; }

    /// <summary>The path the run would take; null when it would be refused (see <see cref="Refusal"/>).</summary>
    public RerunAction? Action { get; internal init; }

    public int AgentCalls { get; internal init; }

    public int JudgeCalls { get; internal init; }

    /// <summary>The estimated cost of the agent call, from the recorded runs; null when nothing recorded one.</summary>
    public Spread? CostUsd { get; internal init; }

    /// <summary>The estimated agent and judge seconds, from the recorded runs; null when none recorded them.</summary>
    public Spread? Seconds { get; internal init; }

    /// <summary>The recorded runs the estimate is from: the run's tier, else every tier, else none.</summary>
    public string EstimateSource { get; internal init; } = string.Empty;

    /// <summary>Why the re-run would refuse the run, typed with the error id the re-run reports.</summary>
    public ScyllaException? Refusal { get; internal init; }

    public RunReference Reference => new(ExperimentPath, Tier, Subtest, RunNumber);

    public override string ToString() => RunId;
}
