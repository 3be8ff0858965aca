namespace Scylla.Core.Checkpoints;

/// <summary>
/// One change a reset or a repair makes (or, with -WhatIf or without -Force, would make) to a checkpoint.
/// </summary>
public sealed class CheckpointChange
{
    public string ExperimentPath { get; internal init; } = string.Empty;

    /// <summary>A run (<c>T0/00/run_01</c>), a tier (<c>T1</c>) or <c>experiment</c>.</summary>
    public string Target { get; internal init; } = string.Empty;

    /// <summary>The run's address when <see cref="Target"/> is a run.</summary>
    public string? Tier { get; internal init; }

    public string? Subtest { get; internal init; }

    public int? RunNumber { get; internal init; }

    /// <summary>
    /// What changes: <c>run</c> (state and status), <c>tier_state</c>, <c>experiment_state</c>, <c>status</c>,
    /// <c>experiment_dir</c>.
    /// </summary>
    public string Field { get; internal init; } = string.Empty;

    public string? OldValue { get; internal init; }

    public string? NewValue { get; internal init; }

    public CheckpointChangeDirection Direction { get; internal init; }

    public string Reason { get; internal init; } = string.Empty;

    /// <summary>False when the change was only reported (-WhatIf, or a backward repair without -Force).</summary>
    public bool Applied { get; set; }

    /// <summary>Folders moved into <c>.failed/</c>, separated by ';'.</summary>
    public string? ArchivedPaths { get; set; }

    /// <summary>The change without its reason: the same change planned twice has the same key.</summary>
    public string Key => $"{Target} {Field}: {OldValue ?? "(none)"} -> {NewValue ?? "(none)"}";

    public override string ToString() => $"{Key} ({Reason})";
}
