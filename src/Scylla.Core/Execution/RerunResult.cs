using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>What the re-run cmdlet reports per run; flat, so a batch summarizes with Group-Object Outcome.</summary>
public sealed class RerunResult
{
    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Tier { get; internal init; } = string.Empty;

    public string Subtest { get; internal init; } = string.Empty;

    public int RunNumber { get; internal init; }

    public string RunId => Experiment.RunId(Tier, Subtest, RunNumber);

    /// <summary>The path the run took; null when it was refused before it was planned.</summary>
    public RerunAction? Action { get; internal init; }

    public RerunOutcome Outcome { get; internal init; }

    /// <summary>The run's status as a fresh scan sees it after the re-run.</summary>
    public RunStatus? Status { get; internal init; }

    public double? Score { get; internal init; }

    public bool? Passed { get; internal init; }

    public double DurationSeconds { get; internal init; }

    /// <summary>
    /// The run's recorded cost after the re-run (<c>cost_usd</c> in <c>run_result.json</c>), or null.
    /// </summary>
    public double? CostUsd { get; internal init; }

    /// <summary>Where the previous attempt was archived, if there was one.</summary>
    public string? ArchivePath { get; internal init; }

    public string? ErrorMessage => Error?.Message;

    /// <summary>The stable id of the error, when the outcome is not Succeeded.</summary>
    public string? ErrorId => Error?.ErrorId;

    /// <summary>Why the run did not succeed, typed, so every cmdlet reports it with the same id and category.</summary>
    public ScyllaException? Error { get; internal init; }
}
