namespace Scylla.Core.Workspaces;

/// <summary>A run's git worktree: where it is, its branch and commit, and its state. Flat, so it exports cleanly.</summary>
public sealed class ScyllaWorkspace
{
    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Tier { get; internal init; } = string.Empty;

    public string Subtest { get; internal init; } = string.Empty;

    public int RunNumber { get; internal init; }

    public string RunId => Experiments.Experiment.RunId(Tier, Subtest, RunNumber);

    /// <summary>The worktree folder (<c>&lt;run&gt;/workspace</c>).</summary>
    public string Path { get; internal init; } = string.Empty;

    public string Branch { get; internal init; } = string.Empty;

    /// <summary>The commit the branch points at, or null when it cannot be read.</summary>
    public string? Commit { get; internal init; }

    public string BaseRepository { get; internal init; } = string.Empty;

    /// <summary>Uncommitted or untracked changes; null for a stale worktree.</summary>
    public bool? IsDirty { get; internal init; }

    /// <summary>Registered in the base repository, but its folder is gone.</summary>
    public bool IsStale { get; internal init; }

    public bool IsLocked { get; internal init; }

    public override string ToString() => $"{RunId} ({Branch})";
}
