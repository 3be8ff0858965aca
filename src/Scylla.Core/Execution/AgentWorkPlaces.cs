using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>
/// Where the judges of a resumed run find the agent's work when no stage of its path captures the diff
/// (docs/format.md, "Workspaces"): its judge prompt, kept as it is; else its live worktree; else the agent's commit on
/// its branch (how upstream leaves a finished run). The re-run reads the patch from there; the plan only asks whether
/// it is there, so it reads no patch and opens the repository only when neither the prompt nor the worktree is left.
/// </summary>
internal static class AgentWorkPlaces
{
    /// <summary>
    /// The patch (empty when the judge prompt is kept, or when <paramref name="readPatch"/> is false and the work is
    /// there); null when none of these places holds the work any more.
    /// </summary>
    public static string? Find(Experiment experiment, ScyllaRun run, Func<RepositorySession> repository, bool readPatch)
    {
        if (File.Exists(Path.Combine(run.Path, RunFolder.JudgePrompt)))
        {
            return string.Empty;
        }

        if (WorktreeRegistrations.IsLive(run.WorkspacePath))
        {
            return readPatch ? repository().Patch(run.WorkspacePath) : string.Empty;
        }

        var session = repository();
        var branch = session.Base.BranchName(experiment.Config.ExperimentId, run.Tier, run.Subtest, run.RunNumber);
        return readPatch ? session.BranchPatch(branch) : session.HasAgentCommit(branch) ? string.Empty : null;
    }
}
