namespace Scylla.Core.Runs;

/// <summary>
/// One run of an experiment and its true state on disk. Every property is flat (a string, number, bool or enum), so
/// <c>Export-Csv</c> and <c>ConvertTo-Json</c> keep everything. Read-only outside the engine: an object in a session is a
/// report of what was on disk, and editing it changes nothing (the engine acts on its address only).
/// </summary>
public sealed class ScyllaRun
{
    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Tier { get; internal init; } = string.Empty;

    public string Subtest { get; internal init; } = string.Empty;

    public int RunNumber { get; internal init; }

    /// <summary>Like <c>T1/01/run_02</c>.</summary>
    public string RunId => Experiments.Experiment.RunId(Tier, Subtest, RunNumber);

    public RunStatus Status { get; internal init; }

    /// <summary>Upstream's reason string for <see cref="Status"/>.</summary>
    public string Reason { get; internal init; } = string.Empty;

    /// <summary>False for a run directory on disk that the configuration does not ask for (e.g. <c>run_12</c> of 10 runs).</summary>
    public bool IsExpected { get; internal init; }

    public RunLocation Location { get; internal init; }

    /// <summary>One status per <c>judge_models</c> entry, comma-separated (slot 1 first), e.g. <c>Complete,Complete,Missing</c>.</summary>
    public string JudgeSlots { get; internal init; } = string.Empty;

    /// <summary>This run's <c>completed_runs</c> value in the checkpoint (<c>passed</c>, <c>failed</c>, <c>agent_complete</c>), or null.</summary>
    public string? CheckpointStatus { get; internal init; }

    /// <summary>This run's <c>run_states</c> value in the checkpoint, or null.</summary>
    public string? RunState { get; internal init; }

    public double? Score { get; internal init; }

    public bool? Passed { get; internal init; }

    public string? Grade { get; internal init; }

    public double? CostUsd { get; internal init; }

    public double? DurationSeconds { get; internal init; }

    /// <summary>The agent's part of <see cref="DurationSeconds"/> (<c>agent_duration_seconds</c>), or null.</summary>
    public double? AgentDurationSeconds { get; internal init; }

    /// <summary>The judges' part of <see cref="DurationSeconds"/> (<c>judge_duration_seconds</c>), or null.</summary>
    public double? JudgeDurationSeconds { get; internal init; }

    /// <summary>The run directory.</summary>
    public string Path { get; internal init; } = string.Empty;

    /// <summary>The tier configuration the run was listed with (given or found beside the experiment), or null.</summary>
    public string? TierConfigPath { get; internal init; }

    public string WorkspacePath => System.IO.Path.Combine(Path, "workspace");

    public override string ToString() => RunId;
}
