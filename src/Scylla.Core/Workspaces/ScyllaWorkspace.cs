namespace Scylla.Core.Workspaces;

/// <summary>A run's git worktree: where it is, its branch and commit, and its state. Flat, so it exports cleanly.</summary>
public sealed class ScyllaWorkspace
{
    public required string ExperimentId { get; init; }

    public required string ExperimentPath { get; init; }

    public required string Tier { get; init; }

    public required string Subtest { get; init; }

    public required int RunNumber { get; init; }

    public string RunId => Experiments.Experiment.RunId(Tier, Subtest, RunNumber);

    /// <summary>The worktree folder (<c>&lt;run&gt;/workspace</c>).</summary>
    public required string Path { get; init; }

    public required string Branch { get; init; }

    /// <summary>The commit the branch points at, or null when it cannot be read.</summary>
    public string? Commit { get; init; }

    public required string BaseRepository { get; init; }

    /// <summary>Uncommitted or untracked changes; null for a stale worktree.</summary>
    public bool? IsDirty { get; init; }

    /// <summary>Registered in the base repository, but its folder is gone.</summary>
    public required bool IsStale { get; init; }

    public required bool IsLocked { get; init; }

    public override string ToString() => $"{RunId} ({Branch})";
}
