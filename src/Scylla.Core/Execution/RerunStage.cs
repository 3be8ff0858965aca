using Scylla.Core.Checkpoints;

namespace Scylla.Core.Execution;

/// <summary>What a stage needs that preflight must find before a run's first write.</summary>
[Flags]
internal enum StageNeeds
{
    None = 0,
    TaskPrompt = 1,
    Subtest = 2,

    /// <summary>The run's <see cref="Workspaces.RepositorySession"/>, for a stage in its live worktree.</summary>
    Repository = 4,
    AgentExecutable = 8,
    JudgeExecutable = 16,
    /// <summary>
    /// A <see cref="Workspaces.WorkspacePlan"/> (subtest, T5 parents, wording, repository, commit, branch) and its
    /// session.
    /// </summary>
    Workspace = 32,
}

/// <summary>
/// One step of a re-run: what it does, the run states it records when done (the last is the state it reaches), whether a
/// stop may interrupt it, and what preflight checks for it (docs/format.md, "Re-runs").
/// </summary>
internal sealed record RerunStage(string Name, RunState[] Records, bool Interruptible, StageNeeds Needs, Action<RunAttempt> Run)
{
    public RunState Reaches => Records.Length > 0 ? Records[^1] : RunState.Pending;
}
