namespace Scylla.Core.Runs;

/// <summary>
/// One run of an experiment and its true state on disk. Every property is flat (a string, number, bool or enum), so
/// <c>Export-Csv</c> and <c>ConvertTo-Json</c> keep everything.
/// </summary>
public sealed class ScyllaRun
{
    public required string ExperimentId { get; init; }

    public required string ExperimentPath { get; init; }

    public required string Tier { get; init; }

    public required string Subtest { get; init; }

    public required int RunNumber { get; init; }

    /// <summary>Like <c>T1/01/run_02</c>.</summary>
    public string RunId => Experiments.Experiment.RunId(Tier, Subtest, RunNumber);

    public required RunStatus Status { get; init; }

    /// <summary>Upstream's reason string for <see cref="Status"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>False for a run directory on disk that the configuration does not ask for (e.g. <c>run_12</c> of 10 runs).</summary>
    public required bool IsExpected { get; init; }

    public required RunLocation Location { get; init; }

    /// <summary>One status per <c>judge_models</c> entry, comma-separated (slot 1 first), e.g. <c>Complete,Complete,Missing</c>.</summary>
    public required string JudgeSlots { get; init; }

    /// <summary>This run's <c>completed_runs</c> value in the checkpoint (<c>passed</c>, <c>failed</c>, <c>agent_complete</c>), or null.</summary>
    public string? CheckpointStatus { get; init; }

    /// <summary>This run's <c>run_states</c> value in the checkpoint, or null.</summary>
    public string? RunState { get; init; }

    public double? Score { get; init; }

    public bool? Passed { get; init; }

    public string? Grade { get; init; }

    public double? CostUsd { get; init; }

    public double? DurationSeconds { get; init; }

    /// <summary>The run directory.</summary>
    public required string Path { get; init; }

    public string WorkspacePath => System.IO.Path.Combine(Path, "workspace");

    public override string ToString() => RunId;
}
