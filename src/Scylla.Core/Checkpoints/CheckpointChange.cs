namespace Scylla.Core.Checkpoints;

/// <summary>
/// One change a reset or a repair makes (or, with -WhatIf or without -Force, would make) to a checkpoint.
/// </summary>
public sealed class CheckpointChange
{
    public required string ExperimentPath { get; init; }

    /// <summary>A run (<c>T0/00/run_01</c>), a tier (<c>T1</c>) or <c>experiment</c>.</summary>
    public required string Target { get; init; }

    /// <summary>The run's address when <see cref="Target"/> is a run.</summary>
    public string? Tier { get; init; }

    public string? Subtest { get; init; }

    public int? RunNumber { get; init; }

    /// <summary>
    /// What changes: <c>run</c> (state and status), <c>tier_state</c>, <c>experiment_state</c>, <c>status</c>,
    /// <c>experiment_dir</c>.
    /// </summary>
    public required string Field { get; init; }

    public string? OldValue { get; init; }

    public string? NewValue { get; init; }

    public required CheckpointChangeDirection Direction { get; init; }

    public required string Reason { get; init; }

    /// <summary>False when the change was only reported (-WhatIf, or a backward repair without -Force).</summary>
    public bool Applied { get; set; }

    /// <summary>Folders moved into <c>.failed/</c>, separated by ';'.</summary>
    public string? ArchivedPaths { get; set; }

    /// <summary>The change without its reason: the same change planned twice has the same key.</summary>
    public string Key => $"{Target} {Field}: {OldValue ?? "(none)"} -> {NewValue ?? "(none)"}";

    public override string ToString() => $"{Key} ({Reason})";
}
